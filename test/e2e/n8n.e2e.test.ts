/**
 * End to end: our packed community package inside a real n8n, driven by n8n's own CLI
 * (`import:credentials`, `import:workflow`, `execute --id`, `start`), against the emulator.
 *
 * For each pinned n8n line (2.x on Node 24, 1.123.x on the machine's Node):
 *  - `npm pack` of this repository installed into <N8N_USER_FOLDER>/.n8n/nodes (how n8n loads
 *    community packages), in a fresh user folder;
 *  - the credential imported pointing at an in-process emulator, every example workflow imported
 *    and executed; assertions on what n8n reports (items, binary metadata and bytes), on the files
 *    the workflows write, and on the requests the emulator received;
 *  - failures as n8n reports them: a failing task, a wrong key, an out-of-credits key;
 *  - the API keys never appear in anything n8n prints;
 *  - `n8n start`: owner account, login, the node type and the imported data visible over REST.
 *
 * Needs the n8n runtimes (scripts/install-n8n.sh 2 / 1) and a built package (npm run build);
 * scripts/e2e.sh does both first. When run directly, missing pieces are installed/built here
 * (first install: ~10 min and ~2-3 GB per line) unless TENSORSLAB_E2E_NO_INSTALL=1.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

import * as n8n from '../../scripts/lib/n8n-runtime';
import type { ExecuteResult, N8nBinary, N8nItem, Runtime } from '../../scripts/lib/n8n-runtime';
import { startEmulator, type Emulator, type RecordedRequest } from '../../emulator';
import { parsePng, PNG_SIGNATURE } from '../../emulator/png';

const LINES = (process.env.TENSORSLAB_E2E_LINES ?? '2,1')
	.split(',')
	.map((s) => s.trim().replace(/\.x$/, ''))
	.filter(Boolean);

const RUN_ROOT = path.join(n8n.REPO_ROOT, '.e2e', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const ASSETS_DIR = path.join(n8n.REPO_ROOT, 'examples', 'assets');
const SOURCE_IMAGE = path.join(ASSETS_DIR, 'source.png');

const WRONG_KEY = 'tl-e2e-wrong-key-7f3a9c';
const CRED_WRONG = { id: 'tlCredentialBad1', name: 'TensorsLab wrong key' };
const CRED_NO_CREDITS = { id: 'tlCredentialNoCr', name: 'TensorsLab no credits' };
const WF_WRONG_KEY = 'tlE2eWrongKey';
const WF_NO_CREDITS = 'tlE2eNoCredits';

const EXAMPLES = n8n.loadExamples();
const exampleId = (prefix: string): string => {
	const found = EXAMPLES.find((e) => path.basename(e.file).startsWith(prefix));
	if (!found) throw new Error(`examples/${prefix}-*.json is missing`);
	return found.workflow.id as string;
};

let tarball: string;

const AUTO_INSTALL = process.env.TENSORSLAB_E2E_NO_INSTALL !== '1';

beforeAll(async () => {
	// Keeps .e2e/ from growing: only the two most recent earlier runs stay (for post-mortems).
	n8n.pruneRuns(path.dirname(RUN_ROOT), 'run-');
	tarball = await n8n.buildAndPack(path.join(RUN_ROOT, 'pack'), { build: AUTO_INSTALL });
}, 300_000);

/** Example 1 rewired to another credential, as a separate workflow. */
function variantOfExample1(id: string, name: string, credential: { id: string; name: string }): object {
	const example1 = EXAMPLES.find((e) => e.workflow.id === exampleId('01'))!;
	const wf = JSON.parse(JSON.stringify(example1.workflow));
	wf.id = id;
	wf.name = name;
	for (const node of wf.nodes) {
		if (node.credentials?.tensorsLabApi) node.credentials.tensorsLabApi = { ...credential };
	}
	return wf;
}

describe.each(LINES)('n8n line %s', (line) => {
	let runtime: Runtime = n8n.resolveRuntime(line);
	const base = path.join(RUN_ROOT, `n8n-${runtime.version}`);
	const userFolder = path.join(base, 'user');
	const outputDir = path.join(base, 'output');
	let emu: Emulator;
	let env: NodeJS.ProcessEnv;
	/** Everything any n8n process printed, for the secret check. */
	const printed: string[] = [];
	const timings: Array<{ what: string; ms: number }> = [];

	const cli = async (what: string, fn: () => Promise<{ stdout: string; stderr: string; ms: number }>) => {
		const res = await fn();
		printed.push(res.stdout, res.stderr);
		timings.push({ what, ms: res.ms });
		return res;
	};
	const execute = (id: string) => cli(`execute ${id}`, () => n8n.executeWorkflow(runtime, env, id)) as Promise<ExecuteResult>;

	const expectSuccess = (res: ExecuteResult) => {
		n8n.assertExecutionOk(res);
		expect(res.code).toBe(0);
		expect(res.execution?.status).toBe('success');
	};
	const output = (res: ExecuteResult, node: string): N8nItem[] => n8n.requireNodeOutput(res.execution, node);
	/** The bytes of a binary as n8n holds them (inline in 1.x, a file in 2.x's filesystem mode). */
	const binaryBytes = (binary: N8nBinary): Buffer | undefined => n8n.binaryBytes(userFolder, binary);
	const outputFiles = () => fs.readdirSync(outputDir).sort();
	const generateRequests = (): RecordedRequest[] => emu.apiRequests('generate');

	/** Per-image assertions shared by the examples that download images. */
	const expectImages = (items: N8nItem[], opts: { model: string; count: number; width: number; height: number }) => {
		expect(items).toHaveLength(opts.count);
		items.forEach((item, i) => {
			const json = item.json;
			expect(json).toMatchObject({ model: opts.model, index: expect.any(Number), width: opts.width, height: opts.height });
			expect(typeof json.taskId).toBe('string');
			expect(String(json.url)).toMatch(new RegExp(`^${emu.imageOrigin}/images/`));
			expect(json.status).toBe('completed');
			const binary = item.binary?.data;
			expect(binary).toBeDefined();
			expect(binary!.mimeType).toBe('image/png');
			expect(binary!.fileExtension).toBe('png');
			expect(binary!.fileSize).toEqual(expect.any(String));
			const bytes = binaryBytes(binary!);
			const expected = emu.expectedImageBytes(String(json.taskId), Number(json.index));
			expect(bytes).toBeDefined();
			expect(sha(bytes!)).toBe(sha(expected));
			if (opts.count > 1 && new Set(items.map((x) => x.json.taskId)).size === 1) expect(json.index).toBe(i);
		});
	};
	/** Files written by the workflow: valid PNGs identical to what the emulator served. */
	const expectWrittenPngs = (pattern: RegExp, items: N8nItem[]) => {
		const files = outputFiles().filter((f) => pattern.test(f));
		expect(files).toHaveLength(items.length);
		const served = new Set(items.map((it) => sha(emu.expectedImageBytes(String(it.json.taskId), Number(it.json.index)))));
		for (const f of files) {
			const bytes = fs.readFileSync(path.join(outputDir, f));
			expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
			const png = parsePng(bytes);
			expect(png.width).toBe(emu.options.imageWidth);
			expect(png.height).toBe(emu.options.imageHeight);
			expect(served.has(sha(bytes))).toBe(true);
		}
		return files;
	};
	const expectAuthorizedApiCalls = () => {
		const api = emu.log.filter((r) => r.origin === 'api');
		expect(api.length).toBeGreaterThan(0);
		for (const r of api) expect(r.headers.authorization).toBe(`Bearer ${emu.apiKey}`);
		for (const r of emu.imageRequests()) expect(r.headers.authorization).toBeUndefined();
	};

	beforeAll(async () => {
		runtime = await n8n.ensureRuntime(line, { install: AUTO_INSTALL });
		if (!runtime.installed) {
			throw new Error(`n8n ${runtime.version} is not installed in ${runtime.dir}: run scripts/install-n8n.sh ${line}`);
		}
		fs.mkdirSync(outputDir, { recursive: true });
		emu = await startEmulator({});
		env = n8n.n8nEnv(runtime, {
			userFolder,
			fileAccess: [outputDir, ASSETS_DIR],
			extra: { TENSORSLAB_OUTPUT_DIR: outputDir, TENSORSLAB_INPUT_IMAGE: SOURCE_IMAGE },
		});
		await n8n.installCommunityPackage(userFolder, tarball);
		await cli('import:credentials', () =>
			n8n.importCredentials(runtime, env, [
				n8n.tensorsLabCredential({ apiKey: emu.apiKey, baseUrl: emu.url }),
				n8n.tensorsLabCredential({ ...CRED_WRONG, apiKey: WRONG_KEY, baseUrl: emu.url }),
				n8n.tensorsLabCredential({ ...CRED_NO_CREDITS, apiKey: emu.noCreditsKey, baseUrl: emu.url }),
			]),
		);
		await cli('import:workflow', () =>
			n8n.importWorkflows(runtime, env, [
				...EXAMPLES.map((e) => e.workflow),
				variantOfExample1(WF_WRONG_KEY, 'e2e: wrong key', CRED_WRONG),
				variantOfExample1(WF_NO_CREDITS, 'e2e: out of credits', CRED_NO_CREDITS),
			]),
		);
	}, 50 * 60 * 1000);

	beforeEach(() => {
		emu?.reset();
		if (fs.existsSync(outputDir)) for (const f of fs.readdirSync(outputDir)) fs.rmSync(path.join(outputDir, f), { recursive: true });
	});

	afterAll(async () => {
		await emu?.close();
		if (timings.length) {
			fs.mkdirSync(base, { recursive: true });
			fs.writeFileSync(path.join(base, 'timings.json'), JSON.stringify(timings, null, 2));
			console.log(`n8n ${runtime.version} timings (ms):\n${timings.map((t) => `  ${t.what}: ${t.ms}`).join('\n')}`);
		}
	});

	test('the credential is stored encrypted, not as the plain key', () => {
		const db = fs.readFileSync(path.join(userFolder, '.n8n', 'database.sqlite'));
		expect(db.includes(Buffer.from(emu.apiKey))).toBe(false);
		expect(db.includes(Buffer.from(WRONG_KEY))).toBe(false);
	});

	test('01 text to image (SeeDream V4.5): two images, written to disk', async () => {
		const res = await execute(exampleId('01'));
		expectSuccess(res);
		const items = output(res, 'Generate Images');
		expectImages(items, { model: 'seedreamv45', count: 2, width: 2560, height: 1440 });
		expect(items.map((i) => i.json.index)).toEqual([0, 1]);
		expect(items[0].json.prompt).toBe('A lighthouse on a cliff at sunset, oil painting, warm light');
		expect(output(res, 'Write Image Files')).toHaveLength(2);
		const files = expectWrittenPngs(/^text-to-image-.*\.png$/, items);
		expect(files).toEqual(items.map((i) => `text-to-image-${i.json.taskId}-${i.json.index}.png`).sort());

		const gen = generateRequests();
		expect(gen).toHaveLength(1);
		expect(gen[0].path).toBe('/v1/images/seedreamv45');
		expect(gen[0].fields.prompt).toEqual(['A lighthouse on a cliff at sunset, oil painting, warm light']);
		expect(gen[0].fields.batchsize).toEqual(['2']);
		expect(gen[0].fields.resolution).toEqual(['16:9']);
		expect(gen[0].files).toHaveLength(0);
		expect(emu.imageRequests().filter((r) => r.method === 'GET')).toHaveLength(2);
		expectAuthorizedApiCalls();
	});

	test('02 image to image: the file read from disk is sent as sourceImage', async () => {
		const res = await execute(exampleId('02'));
		expectSuccess(res);
		const read = output(res, 'Read Source Image');
		expect(read).toHaveLength(1);
		expect(read[0].binary?.data.mimeType).toBe('image/png');
		const items = output(res, 'Restyle Image');
		expectImages(items, { model: 'seedreamv45', count: 1, width: 2048, height: 2048 });
		expectWrittenPngs(/^image-to-image-.*\.png$/, items);

		const gen = generateRequests();
		expect(gen).toHaveLength(1);
		expect(gen[0].fields.resolution).toEqual(['1:1']);
		expect(gen[0].files).toHaveLength(1);
		const file = gen[0].files[0];
		expect(file.field).toBe('sourceImage');
		expect(file.filename).toBe('source.png');
		expect(file.contentType).toBe('image/png');
		expect(sha(file.bytes)).toBe(sha(fs.readFileSync(SOURCE_IMAGE)));
		expectAuthorizedApiCalls();
	});

	test('03 Z-Image with a fixed seed: seed and size sent, seed reported', async () => {
		const res = await execute(exampleId('03'));
		expectSuccess(res);
		const items = output(res, 'Generate with Z-Image');
		expectImages(items, { model: 'zimage', count: 1, width: 1024, height: 1024 });
		expect(items[0].json.seed).toBe(42);
		expectWrittenPngs(/^z-image-seed-42-.*\.png$/, items);

		const gen = generateRequests();
		expect(gen).toHaveLength(1);
		expect(gen[0].path).toBe('/v1/images/zimage');
		expect(gen[0].fields).toMatchObject({ seed: ['42'], resolution: ['1024*1024'] });
		expect(gen[0].fields.batchsize).toBeUndefined();
		expect(gen[0].fields.prompt_extend).toBeUndefined();
	});

	test('04 submit now, fetch later: Generate returns the task id, Wait and Download fetches it', async () => {
		const res = await execute(exampleId('04'));
		expectSuccess(res);
		const submitted = output(res, 'Submit Task');
		expect(submitted).toHaveLength(1);
		const taskId = submitted[0].json.taskId;
		expect(typeof taskId).toBe('string');
		expect(submitted[0].binary).toBeUndefined();
		const items = output(res, 'Wait and Download');
		expectImages(items, { model: 'seedreamv45', count: 1, width: 2048, height: 2048 });
		expect(items[0].json.taskId).toBe(taskId);
		expectWrittenPngs(/^fetched-later-.*\.png$/, items);

		expect(generateRequests()).toHaveLength(1);
		const polls = emu.apiRequests('infobytaskid');
		expect(polls.length).toBeGreaterThan(0);
		for (const p of polls) expect(p.json).toMatchObject({ taskid: taskId });
		expectAuthorizedApiCalls();
	});

	test('05 cleanup: two tasks submitted, then deleted in one request', async () => {
		const res = await execute(exampleId('05'));
		expectSuccess(res);
		const submitted = output(res, 'Submit Tasks');
		expect(submitted).toHaveLength(2);
		const ids = submitted.map((i) => i.json.taskId);
		const deleted = output(res, 'Delete Tasks');
		expect(deleted).toHaveLength(1);
		expect(deleted[0].json).toEqual({ deleted: true, taskIds: ids });

		// Submitted concurrently: any order.
		expect(generateRequests().map((r) => r.fields.prompt[0]).sort()).toEqual(['A kite over a beach', 'A paper boat on a pond']);
		const del = emu.apiRequests('deleteimagestask');
		expect(del).toHaveLength(1);
		expect((del[0].json as { taskids: string[] }).taskids).toEqual(ids);
		for (const id of ids) expect(emu.tasks.get(String(id))?.deleted).toBe(true);
	});

	test('06 many prompts from a list: one image per prompt, all written', async () => {
		const res = await execute(exampleId('06'));
		expectSuccess(res);
		const items = output(res, 'Generate Images');
		expectImages(items, { model: 'seedreamv45', count: 4, width: 2048, height: 2048 });
		expect(items.map((i) => i.json.prompt)).toEqual([
			'A watercolor map of an island',
			'A robot reading a book in a library',
			'A bowl of ramen, studio photograph',
			'A mountain cabin at night under the stars',
		]);
		const files = expectWrittenPngs(/^prompt-\d-.*\.png$/, items);
		expect(files.map((f) => f.split('-')[1]).sort()).toEqual(['1', '2', '3', '4']);
		expect(new Set(generateRequests().map((r) => r.fields.prompt[0])).size).toBe(4);
	});

	test('a failing task: n8n reports the failure with the task message and exits non-zero', async () => {
		emu.inject('generate', { kind: 'failTask', message: 'e2e: the model refused this prompt' }, 1);
		const res = await execute(exampleId('01'));
		expect(res.ok).toBe(false);
		expect(res.code).not.toBe(0);
		expect(res.execution?.status).toBe('error');
		expect(res.error?.message).toMatch(/could not complete task/);
		expect(res.error?.message).toContain('e2e: the model refused this prompt');
		expect(res.execution?.data.resultData.lastNodeExecuted).toBe('Generate Images');
		expect(outputFiles()).toHaveLength(0);
		report('failTask', res);
	});

	test('a wrong API key: n8n reports an authentication error', async () => {
		const res = await execute(WF_WRONG_KEY);
		expect(res.ok).toBe(false);
		expect(res.code).not.toBe(0);
		expect(res.error?.message ?? '').toMatch(/key|auth|401|unauthori[sz]ed|forbidden/i);
		const gen = generateRequests();
		expect(gen.length).toBeGreaterThan(0);
		expect(gen[0].headers.authorization).toBe(`Bearer ${WRONG_KEY}`);
		expect(gen[0].response?.status).toBe(401);
		expect(outputFiles()).toHaveLength(0);
		report('wrong key', res);
	});

	test('an out-of-credits key: n8n reports the credits error', async () => {
		const res = await execute(WF_NO_CREDITS);
		expect(res.ok).toBe(false);
		expect(res.code).not.toBe(0);
		expect(res.error?.message ?? '').toMatch(/credit/i);
		expect(generateRequests()[0].response?.code).toBe(9000);
		expect(emu.tasks.size).toBe(0);
		report('no credits', res);
	});

	test('09 generate, then edit: the generated image goes to quick edit and comes back widened to 21:9', async () => {
		const res = await execute(exampleId('09'));
		expectSuccess(res);
		const generated = output(res, 'Generate Image');
		expectImages(generated, { model: 'seedreamv45', count: 1, width: 2048, height: 2048 });
		const edited = output(res, 'Widen to 21:9');
		expectImages(edited, { model: 'quickedit', count: 1, width: 3024, height: 1296 });
		expect(edited[0].json.prompt).toBe('Extend the scene to the left and right into a wide panorama; keep the lighthouse unchanged');
		expectWrittenPngs(/^edited-21x9-.*\.png$/, edited);

		const gen = generateRequests();
		expect(gen.map((r) => r.path)).toEqual(['/v1/images/seedreamv45', '/v1/images/quickedit']);
		expect(gen[1].fields).toEqual({ prompt: ['Extend the scene to the left and right into a wide panorama; keep the lighthouse unchanged'], resolution: ['21:9'] });
		expect(gen[1].files).toHaveLength(1);
		const source = gen[1].files[0];
		const generatedId = String(generated[0].json.taskId);
		expect([source.field, source.filename, source.contentType]).toEqual(['sourceImage', `tensorslab-${generatedId}-0.png`, 'image/png']);
		expect(sha(source.bytes)).toBe(sha(emu.expectedImageBytes(generatedId, 0)));
		expectAuthorizedApiCalls();
	});

	test('n8n start: owner login, node type, imported credential and workflows visible', async () => {
		const server = await n8n.startN8n(runtime, env);
		try {
			timings.push({ what: 'n8n start until REST ready', ms: server.startupMs });
			expect(await n8n.needsOwnerSetup(server.url)).toBe(true);
			const owner = { email: 'e2e@example.com', password: 'E2e-Passw0rd!' };
			await n8n.setupOwner(server.url, owner);
			const cookie = await n8n.login(server.url, owner);
			expect(cookie).toMatch(/n8n-auth=/);

			const types = await n8n.restGet<unknown>(server.url, '/types/nodes.json', cookie);
			const names = (types as Array<{ name: string }>).map((t) => t.name);
			expect(names).toContain('n8n-nodes-tensorslab.tensorsLab');
			const credTypes = await n8n.restGet<unknown>(server.url, '/types/credentials.json', cookie);
			expect((credTypes as Array<{ name: string }>).map((t) => t.name)).toContain('tensorsLabApi');

			const creds = await n8n.restGet<{ data: Array<{ name: string; type: string }> }>(server.url, '/rest/credentials', cookie);
			expect(creds.data.map((c) => c.name)).toEqual(expect.arrayContaining(['TensorsLab account']));
			const wfs = await n8n.restGet<{ data: Array<{ id: string }> }>(server.url, '/rest/workflows', cookie);
			expect(wfs.data.map((w) => w.id)).toEqual(expect.arrayContaining(EXAMPLES.map((e) => e.workflow.id)));

			// The credential's own test (the editor's "Test" button) through n8n against the emulator.
			emu.reset();
			const good = await n8n.testCredential(server.url, cookie, { ...n8n.EXAMPLE_CREDENTIAL, data: { baseUrl: emu.url } });
			expect(good).toMatchObject({ status: 'OK' });
			const bad = await n8n.testCredential(server.url, cookie, { ...CRED_WRONG, data: { baseUrl: emu.url } });
			expect(bad.status).toBe('Error');
			// 2.x shows the credential's own message; 1.x its generic "Authorization failed - please
			// check your credentials" for an HTTP 401.
			expect(bad.message).toMatch(/refused the API key|authorization failed|401|unauthori[sz]ed/i);
			const broke = await n8n.testCredential(server.url, cookie, { ...CRED_NO_CREDITS, data: { baseUrl: emu.url } });
			expect(broke).toMatchObject({ status: 'OK' }); // out of credits is still a valid key
			// Each test is the free, no-op delete of an empty list (2.x repeats a refused one once).
			const tests = emu.apiRequests('deleteimagestask');
			expect(tests.length).toBeGreaterThanOrEqual(3);
			for (const r of tests) expect(r.json).toEqual({ taskids: [] });
			const byKey = (key: string) => tests.filter((r) => r.headers.authorization === `Bearer ${key}`);
			expect(byKey(emu.apiKey).map((r) => r.response?.status)).toEqual([200]);
			expect(byKey(emu.noCreditsKey).map((r) => r.response?.status)).toEqual([200]);
			expect(byKey(WRONG_KEY).length).toBeGreaterThanOrEqual(1);
			for (const r of byKey(WRONG_KEY)) expect(r.response?.status).toBe(401);
			timings.push({ what: `credential test, wrong key: ${bad.message}`, ms: 0 });

			// Issue 12 (1): a Base URL that redirects fails the Test with our message, and the
			// second server never sees the request (n8n would have copied the key across hosts).
			const second = await listen((_req, res) => res.end('{"code":1000}'));
			const redirector = await listen((_req, res) => {
				res.writeHead(302, { location: `${second.url}/v1/images/deleteimagestask` });
				res.end();
			});
			try {
				const redirected = await n8n.testCredential(server.url, cookie, { ...n8n.EXAMPLE_CREDENTIAL, data: { baseUrl: redirector.url } });
				expect(redirected.status).toBe('Error');
				// 2.x shows the credential's own message; 1.x n8n's generic "Request failed with
				// status code 302" (its tester does not reach the responseCode rules there).
				expect(redirected.message).toMatch(line === '2' ? /redirect/i : /redirect|status code 302/i);
				expect(redirector.hits).toBeGreaterThanOrEqual(1);
				expect(second.hits).toBe(0);
			} finally {
				await second.close();
				await redirector.close();
			}
		} finally {
			await server.stop();
			printed.push(server.logs());
		}
	});

	test('no API key appears in anything n8n printed', () => {
		const all = printed.join('\n');
		expect(all.length).toBeGreaterThan(0);
		for (const secret of [emu.apiKey, emu.noCreditsKey, WRONG_KEY]) expect(all.includes(secret)).toBe(false);
	});

	function report(what: string, res: ExecuteResult) {
		timings.push({ what: `error reported (${what}): ${res.error?.message ?? '?'}`, ms: 0 });
	}
});

/** A throwaway HTTP server on loopback that counts its requests. */
async function listen(handler: http.RequestListener): Promise<{ url: string; hits: number; close: () => Promise<void> }> {
	const state = { hits: 0 };
	const server = http.createServer((req, res) => {
		state.hits++;
		handler(req, res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		get hits() {
			return state.hits;
		},
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

function sha(buf: Buffer): string {
	return n8n.sha256(buf);
}
