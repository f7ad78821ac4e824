/**
 * Self-test of the n8n execution harness (test/harness): a fixture node (HarnessProbe) runs
 * inside n8n-core's WorkflowExecute against a local HTTP server, proving that credentials,
 * HTTP helpers, binary data (both modes), continue-on-fail, errors and cancellation behave as in
 * a real n8n.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { HarnessBinaryMode } from './harness';
import { getHarnessEnvironment, runNode, testCredential } from './harness';
import { HarnessProbe } from './harness/fixtures/probe-node';
import type { FixtureServer } from './harness/fixtures/server';
import { startFixtureServer } from './harness/fixtures/server';

jest.setTimeout(30_000);

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const probe = () => new HarnessProbe();
const MODES: HarnessBinaryMode[] = ['default', 'filesystem'];

let server: FixtureServer;

beforeAll(async () => {
	server = await startFixtureServer();
});

afterAll(async () => {
	await server.close();
});

beforeEach(() => {
	server.requests.length = 0;
});

describe('environment', () => {
	it('keeps n8n’s user folder and settings inside a temp dir', () => {
		const env = getHarnessEnvironment();
		expect(env.rootDir.startsWith(tmpdir())).toBe(true);
		expect(process.env.N8N_USER_FOLDER).toBe(env.userFolder);
		const settings = Container.get(InstanceSettings);
		expect(settings.n8nFolder).toBe(env.n8nFolder);
		expect(existsSync(path.join(env.n8nFolder, 'config'))).toBe(true);
	});
});

describe('runNode: workflow execution', () => {
	it('runs the node after a real upstream node inside WorkflowExecute', async () => {
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'authRequest' },
			credentials: { apiKey: 'k-123', baseUrl: server.baseUrl },
			inputItems: [{ json: { n: 1 } }, { json: { n: 2 } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(Object.keys(result.runData)).toEqual(['Harness Source', 'Harness Probe']);
		expect(result.runData['Harness Probe'][0].source).toEqual([{ previousNode: 'Harness Source', previousNodeOutput: 0, previousNodeRun: 0 }]);
		expect(result.items.map((item) => item.json.body)).toEqual([
			{ item: 0, input: { n: 1 } },
			{ item: 1, input: { n: 2 } },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('sends httpRequestWithAuthentication with the credential’s Bearer header', async () => {
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'authRequest' },
			credentials: { apiKey: 'secret-key-1', baseUrl: server.baseUrl },
		});

		expect(result.items[0].json.authorization).toBe('Bearer secret-key-1');
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0].headers.authorization).toBe('Bearer secret-key-1');
		expect(result.authenticatedRequests).toHaveLength(1);
		expect(result.authenticatedRequests[0].headers).toMatchObject({ Authorization: 'Bearer secret-key-1' });
	});

	it('resolves expressions in the stored credential data, like n8n', async () => {
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'authRequest' },
			credentials: { apiKey: '={{ "expr-" + "key" }}', baseUrl: server.baseUrl },
		});

		expect(server.requests[0].headers.authorization).toBe('Bearer expr-key');
		expect(result.error).toBeUndefined();
	});

	it('getCredentials returns the decrypted credential data', async () => {
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'getCredentials' },
			credentials: { apiKey: 'abc', baseUrl: 'https://proxy.example.test' },
		});

		expect(result.items[0].json).toEqual({ apiKey: 'abc', baseUrl: 'https://proxy.example.test' });
	});

	it('reports a missing credential the way n8n does', async () => {
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'getCredentials' },
			credentials: null,
		});

		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Node does not have any credentials set');
		expect(result.items).toEqual([]);
	});
});

describe('runNode: binary data', () => {
	describe.each(MODES)('%s mode', (binaryMode) => {
		it.each([false, true])('stores a download without auth (stream: %s) and reads back the same bytes', async (asStream) => {
			const result = await runNode({
				nodeType: probe(),
				parameters: { operation: 'download', url: `${server.baseUrl}/image.png`, asStream },
				credentials: { apiKey: 'must-not-leak', baseUrl: server.baseUrl },
				binaryMode,
			});

			expect(result.error).toBeUndefined();
			expect(server.requests).toHaveLength(1);
			expect(server.requests[0].headers.authorization).toBeUndefined();
			expect(result.authenticatedRequests).toHaveLength(0);

			const stored = result.items[0].binary?.data as IBinaryData;
			const readBack = result.binaries[0].data;
			expect(readBack.buffer.equals(server.image)).toBe(true);
			expect(readBack).toMatchObject({ mimeType: 'image/png', fileName: 'image.png', fileExtension: 'png' });
			expect(stored.bytes).toBe(server.image.length);

			if (binaryMode === 'filesystem') {
				expect(stored.id).toMatch(/^filesystem-v2:workflows\/harnessWorkflow1\/executions\/\d+\/binary_data\//);
				expect(stored.data).toBe('filesystem-v2');
				expect(readBack.storedOnDisk).toBe(true);
				expect(readBack.filePath?.startsWith(result.binaryDataDir)).toBe(true);
				expect(result.binaryDataDir.startsWith(getHarnessEnvironment().rootDir)).toBe(true);
				// removed after the run unless keepBinaryData is set
				expect(existsSync(result.binaryDataDir)).toBe(false);
			} else {
				expect(stored.id).toBeUndefined();
				expect(Buffer.from(stored.data, 'base64').equals(server.image)).toBe(true);
				expect(readBack.storedOnDisk).toBeUndefined();
			}
		});

		it('hands input binaries from the upstream node to getBinaryDataBuffer / getBinaryStream', async () => {
			const files = [Buffer.from('first file'), Buffer.alloc(200_000, 7), Buffer.from([0, 1, 2, 255])];
			const result = await runNode({
				nodeType: probe(),
				parameters: { operation: 'readInput', binaryPropertyName: 'image' },
				credentials: null,
				binaryMode,
				inputItems: files.map((data, index) => ({
					json: { index },
					binary: { image: { data, mimeType: 'image/webp', fileName: `in-${index}.webp` } },
				})),
			});

			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(3);
			files.forEach((data, index) => {
				const { json } = result.items[index];
				expect(json).toMatchObject({
					size: data.length,
					sha256: sha256(data),
					mimeType: 'image/webp',
					fileName: `in-${index}.webp`,
					hasId: binaryMode === 'filesystem',
				});
				expect(json.streamSha256).toBe(binaryMode === 'filesystem' ? sha256(data) : null);
				expect(result.binaries[index].copy.buffer.equals(data)).toBe(true);
				expect(result.items[index].pairedItem).toEqual({ item: index });
			});
			// upstream data really went through the binary data service
			const upstream = result.runData['Harness Source'][0].data?.main[0]?.[1].binary?.image as IBinaryData;
			expect(Boolean(upstream.id)).toBe(binaryMode === 'filesystem');
		});
	});

	it('keepBinaryData leaves filesystem-mode files on disk for inspection', async () => {
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'download', url: `${server.baseUrl}/image.png`, asStream: true },
			credentials: null,
			binaryMode: 'filesystem',
			keepBinaryData: true,
		});

		const { filePath } = result.binaries[0].data;
		expect(filePath && readFileSync(filePath).equals(server.image)).toBe(true);
		// n8n keeps a metadata file next to each blob
		expect(JSON.parse(readFileSync(`${filePath}.metadata`, 'utf8'))).toMatchObject({
			fileName: 'image.png',
			mimeType: 'image/png',
			fileSize: server.image.length,
		});
	});

	it('prepareBinaryData without any MIME hint sniffs with file-type (ESM: needs --experimental-vm-modules under Jest)', async () => {
		const result = await runNode({ nodeType: probe(), parameters: { operation: 'sniff' }, credentials: null });
		const vmModules = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.includes(
			'--experimental-vm-modules',
		);
		if (vmModules) {
			expect(result.error).toBeUndefined();
			expect(result.binaries[0].data.mimeType).toBe('image/png');
		} else {
			expect(result.error?.message).toMatch(/dynamic import callback was invoked without --experimental-vm-modules/);
		}
	});
});

describe('runNode: errors', () => {
	it('continueOnFail turns each failure into an error item with its pairedItem', async () => {
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'fail', message: 'boom' },
			credentials: null,
			continueOnFail: true,
			inputItems: [{ json: { a: 1 } }, { json: { a: 2 } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items).toEqual([
			{ json: { error: 'boom' }, pairedItem: { item: 0 } },
			{ json: { error: 'boom' }, pairedItem: { item: 1 } },
		]);
	});

	it('surfaces a thrown NodeOperationError as the node error', async () => {
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'fail', message: 'Nope' },
			credentials: null,
			inputItems: [{ json: {} }, { json: {} }],
		});

		expect(result.status).toBe('error');
		expect(result.items).toEqual([]);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Nope');
		expect((result.error as NodeOperationError).description).toBe('Raised on purpose by the harness probe');
		expect((result.error as NodeOperationError).context.itemIndex).toBe(0);
		expect(result.executionError).toMatchObject({ name: 'NodeOperationError', message: 'Nope' });
	});

	it('surfaces an HTTP error from httpRequestWithAuthentication as NodeApiError', async () => {
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'authRequest', path: '/v1/missing' },
			credentials: { apiKey: 'k', baseUrl: server.baseUrl },
		});

		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('404');
	});
});

describe('runNode: cancellation', () => {
	it('cancelAfterMs aborts a node sleeping on getExecutionCancelSignal()', async () => {
		const started = Date.now();
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'wait', waitMs: 60_000 },
			credentials: null,
			cancelAfterMs: 150,
		});

		expect(Date.now() - started).toBeLessThan(5_000);
		expect(result.cancelled).toBe(true);
		expect(result.items).toEqual([]);
		// sleep() rejects with the signal's reason, a DOMException AbortError. Under Jest that
		// DOMException comes from another realm, so @n8n/utils' ensureError wraps it in an Error
		// ("Error that was not an instance of Error was thrown") with the DOMException as cause.
		const abort = result.error?.name === 'AbortError' ? result.error : (result.error?.cause as Error | undefined);
		expect(abort?.name).toBe('AbortError');
		// n8n marks the run 'canceled' only when the error message says so; this one does not
		expect(result.status).toBe('error');
	});

	it('cancelAfterMs aborts a hanging authenticated request', async () => {
		const started = Date.now();
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'slowRequest' },
			credentials: { apiKey: 'k', baseUrl: server.baseUrl },
			cancelAfterMs: 300,
		});

		expect(Date.now() - started).toBeLessThan(5_000);
		expect(server.requests.map((request) => request.url)).toEqual(['/slow']);
		expect(result.cancelled).toBe(true);
		// httpRequestWithAuthentication passes getExecutionCancelSignal() to the HTTP client itself
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('canceled');
		expect(result.status).toBe('canceled');
	});

	it('a node that does not finish within timeoutMs is cancelled and runNode rejects', async () => {
		await expect(
			runNode({ nodeType: probe(), parameters: { operation: 'wait', waitMs: 60_000 }, credentials: null, timeoutMs: 200 }),
		).rejects.toThrow('did not finish within 200 ms');
	});

	it('a run without cancellation is not marked cancelled', async () => {
		const result = await runNode({
			nodeType: probe(),
			parameters: { operation: 'wait', waitMs: 10 },
			credentials: null,
			cancelAfterMs: 5_000,
		});
		expect(result.cancelled).toBe(false);
		expect(result.items[0].json.waitedMs).toBeGreaterThanOrEqual(9);
	});
});

describe('runNode: misc', () => {
	it('serialises concurrent runs (the binary data service is process-wide)', async () => {
		const [a, b] = await Promise.all(
			MODES.map(async (binaryMode) =>
				await runNode({
					nodeType: probe(),
					parameters: { operation: 'download', url: `${server.baseUrl}/image.png`, asStream: true },
					credentials: null,
					binaryMode,
				}),
			),
		);
		expect(a.binaries[0].data.buffer.equals(server.image)).toBe(true);
		expect(b.binaries[0].data.buffer.equals(server.image)).toBe(true);
		expect(a.binaries[0].data.id).toBeUndefined();
		expect(b.binaries[0].data.id).toMatch(/^filesystem-v2:/);
	});

	const nodeFile = path.join(__dirname, '..', 'nodes', 'TensorsLab', 'TensorsLab.node.ts');
	(existsSync(nodeFile) ? it : it.skip)('loads the TensorsLab node by default', async () => {
		const { loadTensorsLabNodeType } = await import('./harness');
		expect(loadTensorsLabNodeType().description.name).toBe('tensorsLab');
	});
});

describe('testCredential', () => {
	it('passes for a valid key (trailing slash of the Base URL trimmed)', async () => {
		await expect(testCredential({ apiKey: 'good-key', baseUrl: `${server.baseUrl}/` })).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const [request] = server.requests;
		expect(request.method).toBe('POST');
		expect(request.url).toBe('/v1/images/deleteimagestask');
		expect(request.headers.authorization).toBe('Bearer good-key');
		expect(JSON.parse(request.body)).toEqual({ taskids: [] });
	});

	it('fails for a wrong key with the HTTP status text (401)', async () => {
		await expect(testCredential({ apiKey: 'bad-key', baseUrl: server.baseUrl })).resolves.toEqual({
			status: 'Error',
			message: 'Unauthorized',
		});
	});

	it('applies the responseSuccessBody rule (200 with code 9999)', async () => {
		await expect(testCredential({ apiKey: 'envelope-refused', baseUrl: server.baseUrl })).resolves.toEqual({
			status: 'Error',
			message: 'TensorsLab refused the API key. Check the key and the Base URL.',
		});
	});

	it('reports a network error by its code', async () => {
		await expect(testCredential({ apiKey: 'good-key', baseUrl: 'http://127.0.0.1:9' })).resolves.toEqual({
			status: 'Error',
			message: 'ECONNREFUSED',
		});
	});
});
