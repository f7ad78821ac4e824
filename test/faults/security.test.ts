/**
 * The API key stays where it belongs (in the Authorization header of requests to the Base URL's
 * origin, nowhere else: not in outputs, errors or logs, not sent to the image origin, not carried
 * by a redirect), and result downloads are fenced in by scheme, size and time.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Fault, FaultTarget } from '../../emulator';
import { PNG_BYTES } from '../node/helpers';
import {
	SECRET_KEY,
	descriptionOf,
	everythingVisible,
	generateAndWait,
	run,
	startRecordingServer,
	useFaultEmulator,
	waitAndDownload,
	type RecordingServer,
} from './support';

const { emu } = useFaultEmulator();

let elsewhere: RecordingServer;
beforeAll(async () => {
	elsewhere = await startRecordingServer();
});
beforeEach(() => {
	elsewhere.requests.length = 0;
});
afterAll(async () => {
	await elsewhere.close();
});

function expectNoKey(result: Awaited<ReturnType<typeof run>>, key = SECRET_KEY): void {
	const visible = everythingVisible(result);
	expect(visible.length).toBeGreaterThan(100);
	expect(visible).not.toContain(key);
	// Not even a recognisable part of it.
	expect(visible).not.toContain(key.slice(0, 12));
	expect(visible).not.toContain(key.slice(-12));
}

describe("n8n's log names every created task, and nothing secret", () => {
	it('logs each task ID at info level the moment it is created (the one trace left if the process dies)', async () => {
		const result = await run(emu(), generateAndWait({ model: 'zimage' }), { inputItems: [{ json: { n: 1 } }, { json: { n: 2 } }] });
		expect(result.error).toBeUndefined();
		const taskIds = [...new Set(result.items.map((item) => item.json.taskId as string))];
		expect(taskIds).toHaveLength(2);
		const created = result.logs.filter((entry) => entry.level === 'info' && /TensorsLab task \S+ created/.test(entry.message));
		expect(created.map((entry) => (entry.metadata as { taskId: string }).taskId).sort()).toEqual([...taskIds].sort());
		expect(created.map((entry) => (entry.metadata as { itemIndex: number }).itemIndex).sort()).toEqual([0, 1]);
		for (const entry of created) expect(entry.message).toContain((entry.metadata as { taskId: string }).taskId);
		expectNoKey(result);
	});
});

describe('the API key never appears in outputs, errors or logs', () => {
	it.each([
		['Generate and Wait, several images, delete after download', generateAndWait({ model: 'seedreamv45', batchSize: 2 }, { deleteAfterDownload: true })],
		['Generate (submit only)', { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'p', options: {} }],
		['Task → Delete', { resource: 'task', operation: 'delete', taskIds: 'a task made first' }],
	])('on success: %s', async (_name, parameters) => {
		if ((parameters as INodeParameters).operation === 'delete') (parameters as INodeParameters).taskIds = (await run(emu(), { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'p', options: {} })).items[0].json.taskId as string;
		const result = await run(emu(), parameters as INodeParameters);
		expect(result.error).toBeUndefined();
		expect(result.items.length).toBeGreaterThan(0);
		expectNoKey(result);
	});

	it('on success: Task → Get and Task → Wait and Download', async () => {
		const created = await run(emu(), { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'p', options: {} });
		const taskId = created.items[0].json.taskId as string;
		const got = await run(emu(), { resource: 'task', operation: 'get', taskId });
		const waited = await run(emu(), waitAndDownload(taskId));
		expect(waited.error).toBeUndefined();
		expectNoKey(got);
		expectNoKey(waited);
	});

	const echo = `{"code":9999,"msg":"token Bearer ${SECRET_KEY} is not allowed here"}`;
	it.each([
		['generate: HTTP 503 (outcome unknown)', 'generate', { kind: 'http', status: 503 }],
		['generate: HTTP 500 whose message echoes the key', 'generate', { kind: 'http', status: 500, body: echo }],
		['generate: a non-JSON answer that echoes the key', 'generate', { kind: 'http', status: 200, body: `<html>Authorization: Bearer ${SECRET_KEY}</html>` }],
		['generate: a connection reset', 'generate', { kind: 'reset' }],
		['generate: a hung request', 'generate', { kind: 'hang' }],
		['generate: a redirect to another origin', 'generate', { kind: 'redirect', location: 'http://127.0.0.1:9/steal' }],
		['generate: out of credits', 'generate', { kind: 'outOfCredits' }],
		['generate: a failed task', 'generate', { kind: 'failTask', message: 'nope' }],
		['status: HTTP 400 whose message echoes the key', 'infobytaskid', { kind: 'http', status: 400, body: echo }],
		['image: 404', 'generate', { kind: 'imageNotFound' }],
		['image: a non-http(s) result URL', 'generate', { kind: 'badScheme' }],
	] as Array<[string, FaultTarget, Fault]>)('on failure: %s', async (_name, target, fault) => {
		emu().inject(target, fault);
		const result = await run(emu(), generateAndWait({}, { requestTimeout: 1 }));
		expect(result.error).toBeDefined();
		expectNoKey(result);
	});

	it('on failure under Continue On Fail: error items carry no key', async () => {
		emu().inject('generate', { kind: 'http', status: 500, body: echo });
		emu().inject('generate', { kind: 'http', status: 200, body: `oops ${SECRET_KEY}` });
		const result = await run(emu(), generateAndWait({}, { maxConcurrency: 1 }), { continueOnFail: true, inputItems: [{ json: {} }, { json: {} }, { json: {} }] });
		expect(result.items.map((item) => item.json.error ?? item.json.status)).toEqual([
			'TensorsLab could not process the request (HTTP 500)',
			'TensorsLab sent an answer that is not valid JSON',
			'completed',
		]);
		expect(descriptionOf(result.error)).toBe('');
		expectNoKey(result);
	});

	it('on failure: a wrong key is not shown either', async () => {
		const wrongKey = 'tl-WRONG-4c1d8e0b7a-also-secret-KEY';
		const result = await run(emu(), generateAndWait(), { credentials: { apiKey: wrongKey, baseUrl: emu().url } });
		expect(result.error?.message).toBe('TensorsLab refused the API key');
		expectNoKey(result, wrongKey);
	});

	it('on cancel: nothing shows the key', async () => {
		emu().configure({ processingMs: 60_000 });
		const result = await run(emu(), generateAndWait(), { cancelAfterMs: 400 });
		expect(result.cancelled).toBe(true);
		expectNoKey(result);
	});
});

describe('the Authorization header goes only to the Base URL origin', () => {
	it('sends it with every API request and with no image request', async () => {
		const result = await run(emu(), generateAndWait({ model: 'seedreamv45', batchSize: 3 }, { deleteAfterDownload: true }));
		expect(result.error).toBeUndefined();
		const api = emu().apiRequests();
		expect(api.map((r) => r.endpoint)).toEqual(expect.arrayContaining(['seedreamv45', 'infobytaskid', 'deleteimagestask']));
		for (const request of api) expect(request.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
		expect(emu().imageRequests()).toHaveLength(3);
		for (const request of emu().imageRequests()) {
			expect(request.headers.authorization).toBeUndefined();
			expect(JSON.stringify(request.headers)).not.toContain(SECRET_KEY);
		}
	});

	it('does not send it with a download even when the result URL is on the API origin itself', async () => {
		const api = await startRecordingServer((req, res) => {
			if (req.method === 'POST') {
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify({ code: 1000, msg: 'OK', data: { taskid: 'abcd_1', image_status: 3, url: [`${api.url}/images/abcd_1/0.png`] } }));
			} else {
				res.setHeader('content-type', 'image/png');
				res.end(PNG_BYTES);
			}
		});
		try {
			const result = await run(emu(), waitAndDownload('abcd_1'), { credentials: { apiKey: SECRET_KEY, baseUrl: api.url } });
			expect(result.error).toBeUndefined();
			expect(result.binaries[0].data.buffer.equals(PNG_BYTES)).toBe(true);
			expect(api.requests.map((r) => [r.method, r.headers.authorization])).toEqual([
				['POST', `Bearer ${SECRET_KEY}`],
				['GET', undefined],
			]);
		} finally {
			await api.close();
		}
	});
});

describe('redirects from the API are not followed, so they carry the key nowhere', () => {
	it.each([301, 302, 303, 307, 308])('HTTP %s from the status endpoint to another origin', async (status) => {
		emu().inject('infobytaskid', { kind: 'redirect', status, location: `${elsewhere.url}/v1/images/infobytaskid` });
		const result = await run(emu(), generateAndWait());
		expect(result.error?.message).toMatch(new RegExp(`^Could not get image task \\S+: TensorsLab answered with a redirect \\(HTTP ${status}\\) that was not followed$`));
		expect(descriptionOf(result.error)).toContain('never sent to another host');
		expect(elsewhere.requests).toHaveLength(0);
		expect(emu().apiRequests('infobytaskid')).toHaveLength(1);
	});

	it('from generate to the image origin: not followed, sent once, no key at the image origin', async () => {
		emu().inject('generate', { kind: 'redirect', status: 307, location: `${emu().imageOrigin}/images/steal.png` });
		const result = await run(emu(), generateAndWait());
		expect(result.error?.message).toBe('TensorsLab answered with a redirect (HTTP 307) that was not followed');
		expect(emu().apiRequests('generate')).toHaveLength(1);
		expect(emu().imageRequests()).toHaveLength(0);
	});

	it('from delete to another origin: not followed', async () => {
		const taskId = (await run(emu(), { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'p', options: {} })).items[0].json.taskId as string;
		emu().inject('deleteimagestask', { kind: 'redirect', status: 308, location: `${elsewhere.url}/v1/images/deleteimagestask` });
		const result = await run(emu(), { resource: 'task', operation: 'delete', taskIds: taskId });
		expect(result.error?.message).toBe('TensorsLab answered with a redirect (HTTP 308) that was not followed');
		expect(elsewhere.requests).toHaveLength(0);
	});
});

describe('result downloads are fenced in', () => {
	it.each([['ftp'], ['file'], ['gopher']])('refuses a %s: result URL without fetching anything', async (scheme) => {
		emu().inject('generate', { kind: 'badScheme', scheme });
		const result = await run(emu(), generateAndWait());
		expect(result.error?.message).toMatch(new RegExp(`^Refused to download result image "${scheme}:.*": only http:// and https:// URLs are fetched$`));
		expect(emu().imageRequests()).toHaveLength(0);
		expect(result.items).toHaveLength(0);
	});

	it('refuses an image larger than Max Image Size (declared length), without retrying', async () => {
		emu().configure({ imageBytes: 2_500_000 });
		const result = await run(emu(), generateAndWait({}, { maxImageSizeMb: 1 }));
		expect(result.error?.message).toBe('The result image is larger than the 1 MB limit (2500000 bytes or more)');
		expect(descriptionOf(result.error)).toContain('Max Image Size');
		expect(emu().imageRequests()).toHaveLength(1);
	});

	it('accepts the same image under a larger Max Image Size', async () => {
		emu().configure({ imageBytes: 2_500_000 });
		const result = await run(emu(), generateAndWait({}, { maxImageSizeMb: 3 }));
		expect(result.error).toBeUndefined();
		expect(result.binaries[0].data.buffer.length).toBeGreaterThanOrEqual(2_500_000);
	});

	it('stops a download without a declared length as soon as it passes Max Image Size', async () => {
		let written = 0;
		let closedEarly = false;
		const api = await startRecordingServer((req, res) => {
			if (req.method === 'POST') {
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify({ code: 1000, msg: 'OK', data: { taskid: 'abcd_1', image_status: 3, url: [`${api.url}/big.png`] } }));
				return;
			}
			// Chunked, no Content-Length: a PNG that goes on for 50 MB unless the client hangs up.
			res.writeHead(200, { 'content-type': 'image/png' });
			res.on('close', () => {
				closedEarly = written < 50 * 1024 * 1024;
			});
			const chunk = Buffer.alloc(64 * 1024, 7);
			const pump = () => {
				while (!res.destroyed && written < 50 * 1024 * 1024) {
					const data = written === 0 ? Buffer.concat([PNG_BYTES.subarray(0, 16), chunk.subarray(16)]) : chunk;
					written += data.length;
					if (!res.write(data)) return void res.once('drain', pump);
				}
				if (!res.destroyed) res.end();
			};
			pump();
		});
		try {
			const result = await run(emu(), waitAndDownload('abcd_1', { maxImageSizeMb: 1 }), { credentials: { apiKey: SECRET_KEY, baseUrl: api.url } });
			expect(result.error?.message).toMatch(/^The result image is larger than the 1 MB limit \(\d+ bytes or more\)$/);
			expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(closedEarly).toBe(true);
			expect(written).toBeLessThan(20 * 1024 * 1024);
		} finally {
			await api.close();
		}
	});

	it('gives up on an image that trickles in slower than the request timeout allows', async () => {
		emu().configure({ imageBytes: 500_000 });
		emu().inject('image', { kind: 'slow', delayMs: 5_000, trickle: true }, Infinity);
		const started = Date.now();
		// The shortest backoff (no jitter upwards) keeps the four tries quick.
		const random = jest.spyOn(Math, 'random').mockReturnValue(0);
		const result = await run(emu(), generateAndWait({}, { requestTimeout: 0.3 })).finally(() => random.mockRestore());
		expect(result.error?.message).toBe('Downloading the result image took longer than 0.3 seconds');
		// Each try is cut at the time cap, not left to run for the 5 s the image takes.
		expect(emu().imageRequests()).toHaveLength(4);
		expect(Date.now() - started).toBeLessThan(9_000);
		expect(result.items).toHaveLength(0);
	});
});
