/**
 * The defects of the second independent review, one test (or a small table) per defect, named
 * with the defect's number. Each runs the real node inside n8n-core (or the credential's Test the
 * way n8n runs it) against the fault emulator or a small local server written here, and looks
 * only at what is public: node parameters in, output items, errors and the requests the servers
 * received out.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { readdirSync, rmSync } from 'node:fs';
import type * as http from 'node:http';
import path from 'node:path';

import { testCredential } from '../harness';
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

const submitOnly = (extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}): INodeParameters =>
	({ resource: 'image', operation: 'generate', model: 'zimage', prompt: 'a lighthouse at dusk', ...extra, options }) as INodeParameters;

/** A JSON answer in TensorsLab's envelope. */
function sendJson(res: http.ServerResponse, payload: unknown, status = 200): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(payload));
}

/** The request body as text (the recording server has set the request flowing). */
async function bodyOf(req: http.IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	return await new Promise((resolve) => {
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
	});
}

/** A completed task in an infobytaskid answer. */
function completed(taskid: string, urls: string[]): unknown {
	return { code: 1000, msg: 'OK', data: { taskid, image_status: 3, url: urls, width: 64, height: 64, category: 'zimage' } };
}

/**
 * Sends the headers at once and `body` only after `overMs`, one space (valid leading JSON
 * whitespace) every 200 ms in between: the connection is never idle, the answer is never done.
 */
function trickle(res: http.ServerResponse, body: string, overMs: number): void {
	res.writeHead(200, { 'content-type': 'application/json' });
	const started = Date.now();
	const timer = setInterval(() => {
		if (res.destroyed) return clearInterval(timer);
		if (Date.now() - started >= overMs) {
			clearInterval(timer);
			res.end(body);
		} else {
			res.write(' ');
		}
	}, 200);
	res.on('close', () => clearInterval(timer));
}

/** Every file (not directory) below `dir`. */
function filesBelow(dir: string): string[] {
	try {
		return readdirSync(dir, { recursive: true, withFileTypes: true })
			.filter((entry) => entry.isFile())
			.map((entry) => path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name));
	} catch {
		return [];
	}
}

/** Runs `body` with Math.random returning 0: the shortest backoff, for quick retries. */
async function withLowestBackoff<T>(body: () => Promise<T>): Promise<T> {
	const random = jest.spyOn(Math, 'random').mockReturnValue(0);
	try {
		return await body();
	} finally {
		random.mockRestore();
	}
}

const UNSAFE_FILE_NAME = /[/\\]|\.\./;

describe('1. redirects never carry the key, not even in the credential Test', () => {
	let target: RecordingServer;
	let redirector: RecordingServer;
	let status = 302;
	beforeAll(async () => {
		// What the key must never reach: it would accept anything, so following it "works".
		target = await startRecordingServer((_req, res) => sendJson(res, { code: 1000, msg: 'OK', data: {} }));
		redirector = await startRecordingServer((req, res) => {
			res.writeHead(status, { location: `${target.url}${req.url ?? '/'}` });
			res.end();
		});
	});
	beforeEach(() => {
		target.requests.length = 0;
		redirector.requests.length = 0;
	});
	afterAll(async () => {
		await target.close();
		await redirector.close();
	});

	it.each([301, 302, 307, 308])('1. credential Test: an HTTP %s from the Base URL is a failed Test that follows nothing', async (code) => {
		status = code;
		const result = await testCredential({ apiKey: SECRET_KEY, baseUrl: redirector.url });
		expect(redirector.requests).toHaveLength(1);
		expect(target.requests).toEqual([]);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/redirect/i);
	});

	it.each([301, 302, 307, 308])('1. node: an HTTP %s answering Task → Get, Task → Delete and Generate is not followed', async (code) => {
		status = code;
		const credentials = { apiKey: SECRET_KEY, baseUrl: redirector.url };
		for (const parameters of [
			{ resource: 'task', operation: 'get', taskId: 'abcd_1' },
			{ resource: 'task', operation: 'delete', taskIds: 'abcd_1' },
			submitOnly(),
		] as INodeParameters[]) {
			const result = await run(emu(), parameters, { credentials });
			expect(result.error?.message).toMatch(/redirect/i);
		}
		expect(redirector.requests.length).toBeGreaterThanOrEqual(3);
		expect(target.requests).toEqual([]);
	});
});

describe('2. one slow status request holds up neither the other tasks nor the Timeout', () => {
	it('2. a hung status request of one task does not delay the other item', async () => {
		emu().configure({ processingMs: 600 });
		emu().inject('infobytaskid', { kind: 'hang' });
		const started = Date.now();
		const result = await run(emu(), generateAndWait({ prompt: '={{ $json.p }}' }, { requestTimeout: 5, maxConcurrency: 2 }), {
			inputItems: [{ json: { p: 'one' } }, { json: { p: 'two' } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual(['completed', 'completed']);
		const hung = (emu().apiRequests('infobytaskid')[0].json as { taskid: string }).taskid;
		const other = [...emu().tasks.keys()].find((id) => id !== hung)!;
		const otherImage = emu().imageRequests().find((request) => request.path.includes(other));
		// Its task is done about 0.6 s after it was created; the hung request takes 5 s to time out.
		expect(otherImage).toBeDefined();
		expect(otherImage!.time - started).toBeLessThan(2_500);
	});

	it('2. Timeout 1 s holds while every status request hangs: the item fails within 3.5 s naming its task', async () => {
		emu().inject('infobytaskid', { kind: 'hang' }, Infinity);
		const started = Date.now();
		// The default Request Timeout (180 s) stays: the task's Timeout must hold whatever its requests do.
		const result = await run(emu(), generateAndWait({}, { timeout: 1 }), { timeoutMs: 8_000 });
		const elapsed = Date.now() - started;
		const taskId = [...emu().tasks.keys()][0];
		expect(result.error?.message).toMatch(/did not finish within 1 second/);
		expect(`${result.error?.message} ${descriptionOf(result.error)}`).toContain(taskId);
		expect(elapsed).toBeLessThan(3_500);
	});
});

describe('3. Request Timeout bounds a whole request, not the gaps between its bytes', () => {
	it('3. a generate answer trickled over 8 s fails after the 2 s Request Timeout, outcome unknown, sent once', async () => {
		const api = await startRecordingServer((_req, res) => trickle(res, JSON.stringify({ code: 1000, msg: 'OK', data: { taskid: 'abcd_1' } }), 8_000));
		try {
			const started = Date.now();
			const result = await run(emu(), submitOnly({}, { requestTimeout: 2 }), { credentials: { apiKey: SECRET_KEY, baseUrl: api.url } });
			const elapsed = Date.now() - started;
			expect(result.error).toBeDefined();
			expect((result.error as { outcomeUnknown?: boolean }).outcomeUnknown).toBe(true);
			expect(descriptionOf(result.error)).toMatch(/not sent again/);
			expect(elapsed).toBeLessThan(5_000);
			expect(api.requests.filter((r) => r.url === '/v1/images/zimage')).toHaveLength(1);
		} finally {
			await api.close();
		}
	});

	it('3. a status answer trickled over 8 s is given up after the 2 s Request Timeout and asked again', async () => {
		let statusRequests = 0;
		const api = await startRecordingServer((req, res) => {
			if (req.method === 'GET') {
				res.writeHead(200, { 'content-type': 'image/png' });
				return void res.end(PNG_BYTES);
			}
			const answer = JSON.stringify(completed('abcd_1', [`${api.url}/images/abcd_1/0.png`]));
			if (++statusRequests === 1) trickle(res, answer, 8_000);
			else sendJson(res, JSON.parse(answer));
		});
		try {
			const started = Date.now();
			const result = await run(emu(), waitAndDownload('abcd_1', { requestTimeout: 2 }), { credentials: { apiKey: SECRET_KEY, baseUrl: api.url } });
			const elapsed = Date.now() - started;
			expect(result.error).toBeUndefined();
			expect(api.requests.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(2);
			expect(elapsed).toBeLessThan(6_000);
			expect(result.binaries[0].data.buffer.equals(PNG_BYTES)).toBe(true);
		} finally {
			await api.close();
		}
	});
});

describe('4. under Continue On Fail an error item keeps "outcome unknown"', () => {
	it.each([
		['Generate and Wait', generateAndWait({}, { requestTimeout: 1 })],
		['Generate (submit only)', submitOnly({}, { requestTimeout: 1 })],
	])('4. %s: a hung generate request becomes an error item with outcomeUnknown and how to find the task', async (_name, parameters) => {
		emu().inject('generate', { kind: 'hang' });
		const result = await run(emu(), parameters as INodeParameters, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const json = result.items[0].json;
		expect(typeof json.error).toBe('string');
		expect(json.outcomeUnknown).toBe(true);
		const texts = Object.values(json).filter((value): value is string => typeof value === 'string');
		expect(texts.some((text) => /not (sent|re-?sent) again|not re-?sent/i.test(text))).toBe(true);
		expect(emu().apiRequests('generate')).toHaveLength(1);
	});
});

describe('5. Generate (submit only) checks its options and words its first-error note like Generate and Wait', () => {
	it.each([['maxConcurrency'], ['requestTimeout']])('5. options.%s = "abc" is refused before any request, naming the item and the parameter', async (name) => {
		const result = await run(emu(), submitOnly({}, { [name]: '={{ "abc" }}' }));
		expect(result.error?.message).toMatch(new RegExp(`\\[item 0, parameter "options\\.${name}"\\]$`));
		expect(result.items).toHaveLength(0);
		expect(emu().log).toHaveLength(0);
	});

	it('5. the note naming the tasks already created reads the same in Generate and in Generate and Wait', async () => {
		const inputItems = ['one', 'two', 'three'].map((p) => ({ json: { p } }));
		// Two credits: the third generate request is refused by the API.
		emu().configure({ credits: 2 });
		const note = async (parameters: INodeParameters) => {
			emu().reset();
			const result = await run(emu(), parameters, { inputItems });
			expect(result.error?.message).toBe('Insufficient TensorsLab credits');
			const ids = [...emu().tasks.keys()];
			expect(ids).toHaveLength(2);
			let description = descriptionOf(result.error);
			for (const id of ids) {
				expect(description).toContain(id);
				description = description.split(id).join('<task ID>');
			}
			return description;
		};
		const waited = await note(generateAndWait({ prompt: '={{ $json.p }}' }, { maxConcurrency: 1 }));
		const submitted = await note(submitOnly({ prompt: '={{ $json.p }}' }, { maxConcurrency: 1 }));
		expect(submitted).toBe(waited);
	});
});

describe('6. a cut response body shows no part of the key', () => {
	it('6. a non-JSON answer echoing the key across character 200 shows no 8 characters of it', async () => {
		const body = `${'x'.repeat(184)}${SECRET_KEY} and some more text after it`;
		emu().inject('generate', { kind: 'http', status: 200, body });
		const result = await run(emu(), submitOnly());
		expect(result.error?.message).toBe('TensorsLab sent an answer that is not valid JSON');
		const shown = `${result.error?.message} ${descriptionOf(result.error)}`;
		const visible = everythingVisible(result);
		const pieces = Array.from({ length: SECRET_KEY.length - 7 }, (_, index) => SECRET_KEY.slice(index, index + 8));
		expect(pieces.filter((piece) => shown.includes(piece))).toEqual([]);
		expect(pieces.filter((piece) => visible.includes(piece))).toEqual([]);
	});
});

describe('7. stopping the execution during a generate request says the outcome is unknown', () => {
	it.each([
		['Generate and Wait', generateAndWait()],
		['Generate (submit only)', submitOnly()],
	])('7. %s: cancelled while generate hangs, the error says the task may have been created', async (_name, parameters) => {
		emu().inject('generate', { kind: 'hang' });
		const result = await run(emu(), parameters as INodeParameters, { cancelAfterMs: 400 });
		expect(result.cancelled).toBe(true);
		expect(emu().apiRequests('generate')).toHaveLength(1);
		const text = `${result.error?.message ?? ''} ${descriptionOf(result.error)}`;
		expect(text).toMatch(/outcome (is |was )?unknown|may (or may not )?have (been )?created|may or may not have created/i);
	});
});

describe('8. a refused download leaves no file behind in filesystem binary mode', () => {
	let api: RecordingServer;
	let resultPath = '/notimage.png';
	beforeAll(async () => {
		api = await startRecordingServer((req, res) => {
			if (req.method === 'POST') return sendJson(res, completed('abcd_1', [`${api.url}${resultPath}`]));
			if (req.url === '/notimage.png') {
				res.writeHead(200, { 'content-type': 'image/png' });
				return void res.end('This is a text page, not an image. '.repeat(300));
			}
			if (req.url === '/big.png') {
				// Chunked, no Content-Length, far past the 1 MB limit unless the client hangs up.
				res.writeHead(200, { 'content-type': 'image/png' });
				let written = 0;
				const chunk = Buffer.alloc(64 * 1024, 7);
				const pump = () => {
					while (!res.destroyed && written < 8 * 1024 * 1024) {
						const data = written === 0 ? Buffer.concat([PNG_BYTES.subarray(0, 16), chunk.subarray(16)]) : chunk;
						written += data.length;
						if (!res.write(data)) return void res.once('drain', pump);
					}
					if (!res.destroyed) res.end();
				};
				return pump();
			}
			// /slow.png: a PNG start, then a byte every 100 ms for 5 s.
			res.writeHead(200, { 'content-type': 'image/png' });
			res.write(PNG_BYTES.subarray(0, 16));
			const started = Date.now();
			const timer = setInterval(() => {
				if (res.destroyed) return clearInterval(timer);
				if (Date.now() - started > 5_000) {
					clearInterval(timer);
					res.end();
				} else res.write(Buffer.alloc(1));
			}, 100);
			res.on('close', () => clearInterval(timer));
		});
	});
	afterAll(async () => {
		await api.close();
	});

	it.each([
		['a download that is not an image', '/notimage.png', {}, /is not an image/],
		['a download past Max Image Size without a declared length', '/big.png', { maxImageSizeMb: 1 }, /larger than the 1 MB limit/],
		['a download that trickles past Request Timeout', '/slow.png', { requestTimeout: 0.3 }, /took longer than 0\.3 seconds/],
	] as Array<[string, string, IDataObject, RegExp]>)('8. %s: the error is reported and no file is left in the binary data folder', async (_name, urlPath, options, message) => {
		resultPath = urlPath;
		const result = await withLowestBackoff(
			async () =>
				await run(emu(), waitAndDownload('abcd_1', options), {
					credentials: { apiKey: SECRET_KEY, baseUrl: api.url },
					binaryMode: 'filesystem',
					keepBinaryData: true,
				}),
		);
		try {
			expect(result.error?.message).toMatch(message);
			expect(result.items).toHaveLength(0);
			expect(filesBelow(result.binaryDataDir).map((file) => path.relative(result.binaryDataDir, file))).toEqual([]);
		} finally {
			rmSync(result.binaryDataDir, { recursive: true, force: true });
		}
	});
});

describe('9. redirects of result downloads: a few followed, without the key, a loop fails once naming the image host', () => {
	let api: RecordingServer;
	let images: RecordingServer;
	let finalImages: RecordingServer;
	let resultUrl = '';
	beforeAll(async () => {
		api = await startRecordingServer((_req, res) => sendJson(res, completed('abcd_1', [resultUrl])));
		finalImages = await startRecordingServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'image/png' });
			res.end(PNG_BYTES);
		});
		images = await startRecordingServer((req, res) => {
			const loop = /^\/loop\/(\d+)\.png$/.exec(req.url ?? '');
			const location = loop ? `/loop/${Number(loop[1]) + 1}.png` : `${finalImages.url}/images/abcd_1/0.png`;
			res.writeHead(302, { location });
			res.end();
		});
	});
	beforeEach(() => {
		for (const server of [api, images, finalImages]) server.requests.length = 0;
	});
	afterAll(async () => {
		for (const server of [api, images, finalImages]) await server.close();
	});

	it('9. a redirect loop on the image host fails once, after a bounded number of requests, naming the image host', async () => {
		resultUrl = `${images.url}/loop/0.png`;
		const result = await withLowestBackoff(async () => await run(emu(), waitAndDownload('abcd_1'), { credentials: { apiKey: SECRET_KEY, baseUrl: api.url } }));
		expect(result.error).toBeDefined();
		expect(images.requests.length).toBeLessThanOrEqual(10);
		expect(result.error!.message).toContain(new URL(images.url).host);
		expect(result.error!.message).not.toMatch(/TensorsLab's API|connection to TensorsLab/i);
		for (const request of images.requests) expect(JSON.stringify(request.headers)).not.toContain(SECRET_KEY);
	});

	it('9. one redirect from the image host to a second image server is followed, without the Authorization header', async () => {
		resultUrl = `${images.url}/images/abcd_1/0.png`;
		const result = await run(emu(), waitAndDownload('abcd_1'), { credentials: { apiKey: SECRET_KEY, baseUrl: api.url } });
		expect(result.error).toBeUndefined();
		expect(result.binaries[0].data.buffer.equals(PNG_BYTES)).toBe(true);
		expect(images.requests).toHaveLength(1);
		expect(finalImages.requests).toHaveLength(1);
		for (const request of [...images.requests, ...finalImages.requests]) {
			expect(request.headers.authorization).toBeUndefined();
			expect(JSON.stringify(request.headers)).not.toContain(SECRET_KEY);
		}
	});
});

describe('10. the task ID in a status reply is not trusted', () => {
	let api: RecordingServer;
	/** The task ID the status reply names (whatever was asked); undefined: the one asked for. */
	let replyTaskId: string | undefined;
	/** The task ID a generate request is answered with. */
	let createdTaskId = 'abcd_1';
	beforeAll(async () => {
		api = await startRecordingServer((req, res) => {
			if (req.method === 'GET') {
				res.writeHead(200, { 'content-type': 'image/png' });
				return void res.end(PNG_BYTES);
			}
			void bodyOf(req).then((body) => {
				if (req.url === '/v1/images/infobytaskid') {
					const asked = (JSON.parse(body) as { taskid: string }).taskid;
					sendJson(res, completed(replyTaskId ?? asked, [`${api.url}/images/result/0.png`]));
				} else {
					sendJson(res, { code: 1000, msg: 'Task created successfully', data: { taskid: createdTaskId } });
				}
			});
		});
	});
	afterAll(async () => {
		await api.close();
	});

	it.each([['../../../tmp/evil'], ['..\\..\\evil'], ['efgh_2']])('10. asked for abcd_1, a reply naming %s: the output keeps abcd_1 and a safe file name', async (evil) => {
		replyTaskId = evil;
		const credentials = { apiKey: SECRET_KEY, baseUrl: api.url };
		const waited = await run(emu(), waitAndDownload('abcd_1'), { credentials });
		expect(waited.error).toBeUndefined();
		expect(waited.items[0].json.taskId).toBe('abcd_1');
		expect(waited.binaries[0].data.fileName).not.toMatch(UNSAFE_FILE_NAME);
		const got = await run(emu(), { resource: 'task', operation: 'get', taskId: 'abcd_1' }, { credentials });
		expect(got.items[0].json.taskId).toBe('abcd_1');
	});

	it('10. a task ID with path characters from the API never reaches a file name', async () => {
		replyTaskId = undefined;
		createdTaskId = '../../../tmp/evil';
		try {
			const result = await run(emu(), generateAndWait(), { credentials: { apiKey: SECRET_KEY, baseUrl: api.url } });
			// Refusing such an ID is as good as cleaning it; a file name with it is not.
			expect(result.error !== undefined || result.binaries.length > 0).toBe(true);
			for (const binaries of result.binaries) {
				for (const binary of Object.values(binaries)) expect(binary.fileName).not.toMatch(UNSAFE_FILE_NAME);
			}
		} finally {
			createdTaskId = 'abcd_1';
		}
	});
});

describe('11. the credential Test and the node read the Base URL the same way', () => {
	it.each([
		['ending in "/ "', (url: string) => `${url}/ `],
		['with spaces around and "//" at the end', (url: string) => `  ${url}// `],
	])('11. a Base URL %s passes the Test and works in the node', async (_name, baseUrl) => {
		const credentials = { apiKey: SECRET_KEY, baseUrl: baseUrl(emu().url) };
		const taskId = (await run(emu(), submitOnly(), { credentials })).items[0].json.taskId as string;
		const node = await run(emu(), { resource: 'task', operation: 'delete', taskIds: taskId }, { credentials });
		expect(node.error).toBeUndefined();
		expect(emu().apiRequests('deleteimagestask')).toHaveLength(1);
		const tested = await testCredential(credentials);
		expect(tested).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(emu().apiRequests('deleteimagestask')).toHaveLength(2);
	});
});

describe('12–16. input from expressions', () => {
	it('12. a numeric prompt ={{ 42 }} is sent as the text "42"', async () => {
		const result = await run(emu(), submitOnly({ prompt: '={{ 42 }}' }));
		expect(result.error).toBeUndefined();
		const requests = emu().apiRequests('generate');
		expect(requests).toHaveLength(1);
		expect(requests[0].fields.prompt).toEqual(['42']);
	});

	it('13. promptExtend ={{ "true" }} sends prompt_extend=1', async () => {
		const result = await run(emu(), submitOnly({ promptExtend: '={{ "true" }}' }));
		expect(result.error).toBeUndefined();
		expect(emu().apiRequests('generate')[0].fields.prompt_extend).toEqual(['1']);
	});

	it('13. promptExtend ={{ "false" }} does not send prompt_extend=1', async () => {
		const result = await run(emu(), submitOnly({ promptExtend: '={{ "false" }}' }));
		expect(result.error).toBeUndefined();
		expect(emu().apiRequests('generate')[0].fields.prompt_extend ?? ['0']).toEqual(['0']);
	});

	it('13. promptExtend ={{ "maybe" }} is refused before any request, naming promptExtend', async () => {
		const result = await run(emu(), submitOnly({ promptExtend: '={{ "maybe" }}' }));
		expect(result.error?.message).toMatch(/\[item 0, parameter "promptExtend"\]$/);
		expect(emu().log).toHaveLength(0);
	});

	it.each([
		['seed', '0x10'],
		['seed', '1e3'],
		['width', '0x400'],
		['width', '1e3'],
	])('14. %s "%s" is refused before any request, naming the parameter', async (name, value) => {
		const result = await run(emu(), submitOnly({ [name]: `={{ ${JSON.stringify(value)} }}` }));
		expect(result.error?.message).toMatch(new RegExp(`\\[item 0, parameter "${name}"\\]$`));
		expect(emu().log).toHaveLength(0);
	});

	it('14. plain decimal strings for seed and width are still accepted', async () => {
		const result = await run(emu(), submitOnly({ seed: '={{ "16" }}', width: '={{ "1000" }}' }));
		expect(result.error).toBeUndefined();
		const [request] = emu().apiRequests('generate');
		expect(request.fields.seed).toEqual(['16']);
		expect(request.fields.resolution).toEqual(['1000*1024']);
	});

	it('15. an object inside taskIds is refused, naming its position, and nothing is deleted', async () => {
		const result = await run(emu(), { resource: 'task', operation: 'delete', taskIds: '={{ ["abc_1", {"a":1}] }}' });
		expect(result.error?.message).toMatch(/taskIds/);
		expect(result.error?.message).toMatch(/\b(2|1)\b/);
		expect(emu().log).toHaveLength(0);
	});

	it.each([['?x=1'], ['#frag'], ['/v1?x=1#frag']])('16. a Base URL ending in %s is refused before any request, naming baseUrl', async (suffix) => {
		const credentials = { apiKey: SECRET_KEY, baseUrl: `${emu().url}${suffix}` };
		for (const parameters of [{ resource: 'task', operation: 'get', taskId: 'abcd_1' }, submitOnly()] as INodeParameters[]) {
			const result = await run(emu(), parameters, { credentials });
			expect(result.error?.message).toMatch(/\[item 0, parameter "baseUrl"\]$/);
		}
		expect(emu().log).toHaveLength(0);
	});
});
