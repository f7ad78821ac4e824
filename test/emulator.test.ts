/**
 * Tests of the TensorsLab emulator (emulator/), over real HTTP with Node's fetch.
 *   npx jest test/emulator.test.ts --detectOpenHandles
 */
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';

import { expectedImageBytes, parsePng, PNG_SIGNATURE, startEmulator } from '../emulator';
import type { Emulator, RecordedRequest } from '../emulator';

jest.setTimeout(5000);

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.close();
});

beforeEach(() => {
	emu.configure({ queuedMs: 30, processingMs: 120, imageWidth: 64, imageHeight: 64, imageBytes: null, credits: null });
	emu.reset();
});

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

interface Envelope {
	code: number;
	msg: string;
	data?: Record<string, unknown> & { taskid?: string };
}

interface FilePart {
	field?: string;
	bytes: Buffer;
	filename: string;
	type?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const bearer = (key = emu.apiKey) => ({ authorization: `Bearer ${key}` });
const blob = (bytes: Buffer, type?: string) => new Blob([new Uint8Array(bytes)], type ? { type } : {});

function form(fields: Record<string, string | string[]>, files: FilePart[] = []): FormData {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) fd.append(k, one);
	for (const f of files) fd.append(f.field ?? 'sourceImage', blob(f.bytes, f.type), f.filename);
	return fd;
}

async function generate(
	model: string,
	fields: Record<string, string | string[]>,
	opts: { files?: FilePart[]; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Envelope; res: Response }> {
	const res = await fetch(`${emu.url}/v1/images/${model}`, {
		method: 'POST',
		headers: opts.headers ?? bearer(),
		body: form(fields, opts.files),
	});
	return { status: res.status, body: (await res.json()) as Envelope, res };
}

async function postJson(endpoint: string, body: unknown, headers: Record<string, string> = bearer()): Promise<{ status: number; body: Envelope }> {
	const res = await fetch(`${emu.url}/v1/images/${endpoint}`, {
		method: 'POST',
		headers: { ...headers, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as Envelope };
}

const status = (taskid: string, key?: string) => postJson('infobytaskid', { taskid }, bearer(key));
const del = (taskids: unknown, key?: string) => postJson('deleteimagestask', { taskids }, bearer(key));

async function created(model: string, fields: Record<string, string | string[]>, opts?: { files?: FilePart[] }): Promise<string> {
	const r = await generate(model, fields, opts);
	expect(r.body).toEqual({ code: 1000, msg: 'Task created successfully', data: { taskid: expect.any(String) } });
	return r.body.data!.taskid!;
}

async function statusData(taskid: string): Promise<Record<string, unknown>> {
	const r = await status(taskid);
	expect(r.body.code).toBe(1000);
	return r.body.data!;
}

/** Wait until the real task is finished (with a small margin). */
async function finished(taskid: string): Promise<void> {
	const task = emu.tasks.get(taskid)!;
	await sleep(Math.max(0, task.doneAt - Date.now()) + 5);
}

async function expectRefused(p: Promise<{ status: number; body: Envelope }>, mention: RegExp): Promise<void> {
	const r = await p;
	expect(r.status).toBe(200);
	expect(r.body.code).toBe(9999);
	expect(r.body.msg).toMatch(mention);
	expect(r.body.data).toBeUndefined();
}

function rawMultipart(parts: { name: string; filename?: string; type?: string; body: Buffer | string }[]): { body: Buffer; contentType: string } {
	const boundary = `----emulatortest${randomBytes(6).toString('hex')}`;
	const chunks: Buffer[] = [];
	for (const p of parts) {
		let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
		if (p.filename !== undefined) head += `; filename="${p.filename}"`;
		head += '\r\n';
		if (p.type) head += `Content-Type: ${p.type}\r\n`;
		chunks.push(Buffer.from(`${head}\r\n`), Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body), Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function download(url: string, init?: RequestInit): Promise<{ res: Response; bytes: Buffer }> {
	const res = await fetch(url, init);
	return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

// ---------------------------------------------------------------------------------------------
// Auth and envelope
// ---------------------------------------------------------------------------------------------

describe('auth', () => {
	it('refuses a missing, wrong or scheme-less key with HTTP 401 on every endpoint', async () => {
		const expected = { code: 9999, msg: 'Invalid API key' };
		for (const headers of [{}, bearer('wrong-key'), { authorization: emu.apiKey }, { authorization: `Basic ${emu.apiKey}` }]) {
			const g = await generate('seedreamv45', { prompt: 'a cat' }, { headers });
			expect(g.status).toBe(401);
			expect(g.body).toEqual(expected);
			const s = await postJson('infobytaskid', { taskid: 'abcd_0123456789abcdef' }, headers);
			expect(s.status).toBe(401);
			expect(s.body).toEqual(expected);
			const d = await postJson('deleteimagestask', { taskids: [] }, headers);
			expect(d.status).toBe(401);
			expect(d.body).toEqual(expected);
		}
		expect(emu.tasks.size).toBe(0);
		// The log keeps the authorization header exactly as sent.
		expect(emu.apiRequests('deleteimagestask').map((r) => r.headers.authorization)).toEqual([
			undefined,
			'Bearer wrong-key',
			emu.apiKey,
			`Basic ${emu.apiKey}`,
		]);
		expect(emu.apiRequests('deleteimagestask').every((r) => r.response?.status === 401 && r.response.code === 9999)).toBe(true);
	});

	it('accepts the right key, and the no-credits key for status and delete', async () => {
		expect((await generate('seedreamv45', { prompt: 'a cat' })).status).toBe(200);
		const d = await del([], emu.noCreditsKey);
		expect(d).toEqual({ status: 200, body: { code: 1000, msg: 'Successfully', data: { status: 'Success' } } });
		const s = await status('abcd_0123456789abcdef', emu.noCreditsKey);
		expect(s.status).toBe(200);
		expect(s.body).toEqual({ code: 9999, msg: 'Task not found' });
	});

	it('answers unknown paths with 404 and wrong methods with 405', async () => {
		const r = await fetch(`${emu.url}/v1/images/nosuchmodel`, { method: 'POST', headers: bearer(), body: form({ prompt: 'x' }) });
		expect(r.status).toBe(404);
		expect(((await r.json()) as Envelope).code).toBe(9999);
		const g = await fetch(`${emu.url}/v1/images/infobytaskid`, { headers: bearer() });
		expect(g.status).toBe(405);
		expect(((await g.json()) as Envelope).code).toBe(9999);
	});
});

// ---------------------------------------------------------------------------------------------
// Generate validation
// ---------------------------------------------------------------------------------------------

describe('generate validation', () => {
	it('requires a non-empty prompt', async () => {
		for (const model of ['seedreamv45', 'seedreamv5', 'seedreamv4', 'zimage']) {
			await expectRefused(generate(model, {}), /prompt/);
			await expectRefused(generate(model, { prompt: '   ' }), /prompt/);
			await expectRefused(generate(model, { prompt: ['a', 'b'] }), /prompt.*more than once/);
		}
		expect(emu.tasks.size).toBe(0);
	});

	it('accepts batchsize 1..15 only (integers)', async () => {
		for (const bad of ['0', '16', '2.5', '-1', 'abc', '']) {
			await expectRefused(generate('seedreamv45', { prompt: 'p', batchsize: bad }), /batchsize/);
		}
		const one = await created('seedreamv45', { prompt: 'p', batchsize: '1' });
		const fifteen = await created('seedreamv4', { prompt: 'p', batchsize: '15' });
		emu.completeAllNow();
		expect((await statusData(one)).url).toHaveLength(1);
		expect((await statusData(fifteen)).url).toHaveLength(15);
		expect(emu.tasks.get(fifteen)!.imageCount).toBe(15);
	});

	it('checks seedreamv45 / seedreamv5 resolutions and reports the requested size', async () => {
		const cases: [string, number, number][] = [
			['1:1', 2048, 2048],
			['16:9', 2560, 1440],
			['9:16', 1440, 2560],
			['4:3', 2304, 1728],
			['3:4', 1728, 2304],
			['3:2', 2496, 1664],
			['2:3', 1664, 2496],
			['2K', 2048, 2048],
			['4K', 4096, 4096],
			['3750x1250', 3750, 1250],
			['4096x4096', 4096, 4096],
			['1920x1920', 1920, 1920], // exactly 3,686,400
		];
		for (const model of ['seedreamv45', 'seedreamv5']) {
			for (const [resolution, width, height] of cases) {
				const id = await created(model, { prompt: 'p', resolution });
				// Over HTTP for seedreamv45; the task record (same data) for seedreamv5, to stay quick.
				const data = model === 'seedreamv45' ? await statusData(id) : emu.tasks.get(id)!;
				expect([resolution, data.width, data.height]).toEqual([resolution, width, height]);
				expect(data.category).toBe(model);
			}
			for (const bad of ['1500x1500', '4097x4097', '1919x1920', '2048X2048', '2048*2048', '5:4', '8K', '2k', '0x4096', '']) {
				await expectRefused(generate(model, { prompt: 'p', resolution: bad }), /resolution/);
			}
		}
		// Default (no resolution): 2K.
		const d = await statusData(await created('seedreamv45', { prompt: 'p' }));
		expect([d.width, d.height]).toEqual([2048, 2048]);
	});

	it('allows only the five ratios on seedreamv4 (2K refused, following the reference)', async () => {
		for (const ok of ['9:16', '16:9', '3:4', '4:3', '1:1']) await created('seedreamv4', { prompt: 'p', resolution: ok });
		for (const bad of ['2:3', '3:2', '2K', '4K', '2048x2048']) {
			await expectRefused(generate('seedreamv4', { prompt: 'p', resolution: bad }), /resolution/);
		}
	});

	it('checks zimage: W*H with an asterisk, ratios, seed, prompt_extend, and nothing else', async () => {
		const id = await created('zimage', { prompt: 'p', resolution: '768*1344', seed: '42', prompt_extend: '1' });
		const data = await statusData(id);
		expect([data.width, data.height, data.origseed, data.category]).toEqual([768, 1344, 42, 'zimage']);
		const def = await statusData(await created('zimage', { prompt: 'p' }));
		expect([def.width, def.height]).toEqual([1024, 1024]);
		await created('zimage', { prompt: 'p', resolution: '16:9', prompt_extend: '0', seed: '0' });

		await expectRefused(generate('zimage', { prompt: 'p', resolution: '1024x1024' }), /resolution/);
		await expectRefused(generate('zimage', { prompt: 'p', resolution: '2:3' }), /resolution/);
		await expectRefused(generate('zimage', { prompt: 'p', seed: '-1' }), /seed/);
		await expectRefused(generate('zimage', { prompt: 'p', seed: '1.5' }), /seed/);
		await expectRefused(generate('zimage', { prompt: 'p', prompt_extend: 'true' }), /prompt_extend/);
		for (const field of ['batchsize', 'imageUrl', 'category']) {
			await expectRefused(generate('zimage', { prompt: 'p', [field]: field === 'imageUrl' ? 'https://x.test/a.png' : '1' }), new RegExp(field));
		}
		await expectRefused(
			generate('zimage', { prompt: 'p' }, { files: [{ bytes: Buffer.from('img'), filename: 'a.png', type: 'image/png' }] }),
			/sourceImage/,
		);
		// Every zimage task makes exactly one image.
		expect([...emu.tasks.values()].every((t) => t.imageCount === 1)).toBe(true);
	});

	it('refuses unknown fields, a wrong category, bad imageUrl and non-multipart bodies', async () => {
		await expectRefused(generate('seedreamv45', { prompt: 'p', negative_prompt: 'x' }), /negative_prompt/);
		await expectRefused(generate('seedreamv4', { prompt: 'p', seed: '1' }), /seed/);
		await expectRefused(generate('seedreamv45', { prompt: 'p', category: 'seedreamv4' }), /category/);
		await created('seedreamv45', { prompt: 'p', category: 'seedreamv45' });
		await created('seedreamv5', { prompt: 'p', category: 'seedreamv5', imageUrl: 'https://example.com/a.png' });
		await expectRefused(generate('seedreamv45', { prompt: 'p', imageUrl: 'ftp://example.com/a.png' }), /imageUrl/);
		await expectRefused(generate('seedreamv45', { prompt: 'p', imageUrl: 'not a url' }), /imageUrl/);
		// sourceImage as a text field, prompt as a file
		await expectRefused(generate('seedreamv45', { prompt: 'p', sourceImage: 'https://x.test/a.png' }), /sourceImage/);
		await expectRefused(generate('seedreamv45', {}, { files: [{ field: 'prompt', bytes: Buffer.from('p'), filename: 'p.txt' }] }), /prompt/);
		// Empty file and too many files
		await expectRefused(generate('seedreamv45', { prompt: 'p' }, { files: [{ bytes: Buffer.alloc(0), filename: 'a.png', type: 'image/png' }] }), /sourceImage/);
		const fifteen = Array.from({ length: 15 }, (_, i) => ({ bytes: Buffer.from([i + 1]), filename: `${i}.png`, type: 'image/png' }));
		await expectRefused(generate('seedreamv45', { prompt: 'p' }, { files: fifteen }), /sourceImage.*14/);
		await created('seedreamv45', { prompt: 'p' }, { files: fifteen.slice(0, 14) });
		// JSON and urlencoded bodies
		const json = await postJson('seedreamv45', { prompt: 'p' });
		expect(json.body.code).toBe(9999);
		expect(json.body.msg).toMatch(/multipart\/form-data/);
		const enc = await fetch(`${emu.url}/v1/images/seedreamv45`, { method: 'POST', headers: bearer(), body: new URLSearchParams({ prompt: 'p' }) });
		expect(((await enc.json()) as Envelope).code).toBe(9999);
		expect(emu.tasks.size).toBe(3);
	});

	it('returns task ids in the reference format', async () => {
		const id = await created('seedreamv45', { prompt: 'p' });
		expect(id).toMatch(/^[a-z]{4}_[0-9a-f]{16}$/);
		expect(emu.tasks.get(id)!.model).toBe('seedreamv45');
	});

	it('quickedit (undocumented): needs a source, takes 21:9, 9:21, levels and WxH, no category or batchsize', async () => {
		const png = { bytes: Buffer.from('89504e470d0a1a0a', 'hex'), filename: 'in.png', type: 'image/png' };
		await expectRefused(generate('quickedit', { prompt: 'remove the background' }), /sourceImage.*imageUrl.*required/);
		await expectRefused(generate('quickedit', { prompt: 'p', batchsize: '1', imageUrl: 'https://x.test/a.png' }), /Unknown parameter "batchsize"/);
		await expectRefused(generate('quickedit', { prompt: 'p', category: 'quickedit', imageUrl: 'https://x.test/a.png' }), /Unknown parameter "category"/);
		await expectRefused(generate('quickedit', { prompt: 'p', resolution: '5:4', imageUrl: 'https://x.test/a.png' }), /resolution.*21:9/);
		expect(emu.tasks.size).toBe(0);
		const wide = await created('quickedit', { prompt: 'widen', resolution: '21:9' }, { files: [png] });
		expect(await statusData(wide)).toMatchObject({ category: 'quickedit', width: 3024, height: 1296, prompt: 'widen' });
		const small = await created('quickedit', { prompt: 'p', resolution: '640x480', imageUrl: 'https://x.test/a.png' });
		expect(await statusData(small)).toMatchObject({ width: 640, height: 480 });
		await finished(wide);
		expect((await statusData(wide)).url).toEqual([`${emu.imageOrigin}/images/${wide}/0.png`]);
	});

	it('knows one test-only model, seedreamv6, with seedreamv45\'s rules; other model paths answer 404', async () => {
		const id = await created('seedreamv6', { prompt: 'p', batchsize: '2', resolution: '16:9' });
		expect(await statusData(id)).toMatchObject({ category: 'seedreamv6', width: 2560, height: 1440 });
		await expectRefused(generate('seedreamv6', { prompt: 'p', resolution: '100x100' }), /pixels/);
		expect((await generate('seedreamv7', { prompt: 'p' })).status).toBe(404);
	});
});

// ---------------------------------------------------------------------------------------------
// Recording
// ---------------------------------------------------------------------------------------------

describe('recording', () => {
	it('records multipart fields and files with exact bytes, filename and type', async () => {
		const a = randomBytes(3000);
		const b = randomBytes(17);
		const id = await created('seedreamv45', { prompt: 'a red fox', batchsize: '2', resolution: '16:9' }, {
			files: [
				{ bytes: a, filename: 'first.png', type: 'image/png' },
				{ bytes: b, filename: 'second photo.jpg', type: 'image/jpeg' },
			],
		});
		const [rec] = emu.apiRequests('seedreamv45');
		expect(rec.origin).toBe('api');
		expect(rec.method).toBe('POST');
		expect(rec.path).toBe('/v1/images/seedreamv45');
		expect(rec.endpoint).toBe('seedreamv45');
		expect(rec.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(rec.fields).toEqual({ prompt: ['a red fox'], batchsize: ['2'], resolution: ['16:9'] });
		expect(rec.files.map((f) => [f.field, f.filename, f.contentType, f.size])).toEqual([
			['sourceImage', 'first.png', 'image/png', 3000],
			['sourceImage', 'second photo.jpg', 'image/jpeg', 17],
		]);
		expect(rec.files[0].bytes.equals(a)).toBe(true);
		expect(rec.files[1].bytes.equals(b)).toBe(true);
		expect(rec.rawBodySize).toBe(Number(rec.headers['content-length']));
		expect(rec.response).toEqual({ status: 200, code: 1000 });
		const task = emu.tasks.get(id)!;
		expect(task.files.map((f) => f.sha256)).toEqual([a, b].map((x) => createHash('sha256').update(x).digest('hex')));
		expect(task.fields).toEqual(rec.fields);
	});

	it('records the Content-Type of each part exactly as sent, "" when absent', async () => {
		const bytes = randomBytes(64);
		const mp = rawMultipart([
			{ name: 'prompt', body: 'p' },
			{ name: 'sourceImage', filename: 'no-type.bin', body: bytes },
			{ name: 'sourceImage', filename: 'typed.webp', type: 'image/webp', body: bytes },
		]);
		const res = await fetch(`${emu.url}/v1/images/seedreamv4`, { method: 'POST', headers: { ...bearer(), 'content-type': mp.contentType }, body: new Uint8Array(mp.body) });
		expect(((await res.json()) as Envelope).code).toBe(1000);
		const [rec] = emu.apiRequests('generate');
		expect(rec.files.map((f) => [f.filename, f.contentType])).toEqual([
			['no-type.bin', ''],
			['typed.webp', 'image/webp'],
		]);
		expect(rec.files[0].bytes.equals(bytes)).toBe(true);
	});

	it('refuses a malformed multipart body', async () => {
		const res = await fetch(`${emu.url}/v1/images/seedreamv45`, {
			method: 'POST',
			headers: { ...bearer(), 'content-type': 'multipart/form-data; boundary=abc' },
			body: 'this is not multipart',
		});
		const body = (await res.json()) as Envelope;
		expect(body.code).toBe(9999);
		expect(body.msg).toMatch(/multipart/i);
		expect(emu.log[0].parseError).toBeDefined();
	});

	it('records JSON bodies and filters the log by endpoint and origin', async () => {
		const id = await created('zimage', { prompt: 'p' });
		await status(id);
		await del([id]);
		expect(emu.apiRequests('infobytaskid')[0].json).toEqual({ taskid: id });
		expect(emu.apiRequests('deleteimagestask')[0].json).toEqual({ taskids: [id] });
		expect(emu.apiRequests().map((r) => r.endpoint)).toEqual(['zimage', 'infobytaskid', 'deleteimagestask']);
		expect(emu.apiRequests('generate')).toHaveLength(1);
		expect(emu.apiRequests('seedreamv45')).toHaveLength(0);
		expect(emu.imageRequests()).toHaveLength(0);
		expect(emu.log.map((r) => r.seq)).toEqual([...emu.log.map((r) => r.seq)].sort((x, y) => x - y));
		emu.clearLog();
		expect(emu.log).toHaveLength(0);
	});
});

// ---------------------------------------------------------------------------------------------
// Task lifecycle and image origin
// ---------------------------------------------------------------------------------------------

describe('task lifecycle', () => {
	it('goes 1 → 2 → 3 with the configured timings; url[] points at the image origin serving real PNGs', async () => {
		// Generous windows so a loaded machine does not make the test flaky.
		emu.configure({ queuedMs: 300, processingMs: 300, imageWidth: 40, imageHeight: 30 });
		const id = await created('seedreamv45', { prompt: 'two foxes', batchsize: '2', resolution: '3:2' });
		const task = emu.tasks.get(id)!;
		expect(task.doneAt - task.createdAt).toBe(600);

		const s1 = await statusData(id);
		expect(s1).toEqual({
			taskid: id,
			category: 'seedreamv45',
			starttime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
			url: [],
			image_status: 1,
			width: 2496,
			height: 1664,
			prompt: 'two foxes',
			negative: '',
			origseed: expect.any(Number),
		});
		expect(task.completedAt).toBeUndefined();
		// A timing change applies to new tasks only.
		emu.configure({ queuedMs: 5000, processingMs: 5000 });

		await sleep(task.createdAt + 350 - Date.now());
		const s2 = await statusData(id);
		expect(s2.image_status).toBe(2);
		expect(s2.url).toEqual([]);

		await finished(id);
		const s3 = await statusData(id);
		expect(s3.image_status).toBe(3);
		expect(s3.error_message).toBeUndefined();
		expect(task.completedAt).toBe(task.doneAt);
		const urls = s3.url as string[];
		expect(urls).toEqual([`${emu.imageOrigin}/images/${id}/0.png`, `${emu.imageOrigin}/images/${id}/1.png`]);
		expect(new URL(emu.imageOrigin).port).not.toBe(new URL(emu.url).port);

		const images: Buffer[] = [];
		for (const [i, url] of urls.entries()) {
			const { res, bytes } = await download(url);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('image/png');
			expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
			expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
			expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
			expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([40, 30]);
			const png = parsePng(bytes);
			expect([png.width, png.height, png.rgb?.length]).toEqual([40, 30, 40 * 30 * 3]);
			expect(bytes.equals(emu.expectedImageBytes(id, i))).toBe(true);
			expect(bytes.equals(expectedImageBytes(id, i, { width: 40, height: 30 }))).toBe(true);
			images.push(bytes);
		}
		expect(images[0].equals(images[1])).toBe(false);

		// No Authorization header reaches the image origin (fetch sent none); every request is recorded.
		expect(emu.imageRequests().map((r) => [r.method, r.path, r.endpoint, r.origin, r.response?.status])).toEqual([
			['GET', `/images/${id}/0.png`, 'image', 'images', 200],
			['GET', `/images/${id}/1.png`, 'image', 'images', 200],
		]);
		expect(emu.imageRequests().every((r) => r.headers.authorization === undefined)).toBe(true);
	});

	it('answers 404 on the image origin for unknown images, and before completion', async () => {
		emu.configure({ queuedMs: 1000 });
		const id = await created('zimage', { prompt: 'p' });
		expect((await download(`${emu.imageOrigin}/images/${id}/0.png`)).res.status).toBe(404);
		emu.completeAllNow();
		expect((await statusData(id)).image_status).toBe(3);
		expect((await download(`${emu.imageOrigin}/images/${id}/0.png`)).res.status).toBe(200);
		expect((await download(`${emu.imageOrigin}/images/${id}/1.png`)).res.status).toBe(404);
		expect((await download(`${emu.imageOrigin}/images/abcd_0000000000000000/0.png`)).res.status).toBe(404);
		expect((await download(`${emu.imageOrigin}/other`)).res.status).toBe(404);
		const head = await fetch(`${emu.imageOrigin}/images/${id}/0.png`, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(Number(head.headers.get('content-length'))).toBe(emu.expectedImageBytes(id, 0).length);
		// The API origin does not serve images.
		expect((await download(`${emu.url}/images/${id}/0.png`)).res.status).toBe(404);
	});

	it('pads images to imageBytes, still valid PNG, streamed with Content-Length', async () => {
		emu.configure({ imageBytes: 2_500_000, queuedMs: 0, processingMs: 0 });
		const id = await created('seedreamv45', { prompt: 'p', batchsize: '2' });
		const urls = (await statusData(id)).url as string[];
		const { res, bytes } = await download(urls[1]);
		expect(res.status).toBe(200);
		expect(bytes.length).toBe(2_500_000);
		expect(Number(res.headers.get('content-length'))).toBe(2_500_000);
		const png = parsePng(bytes);
		expect([png.width, png.height]).toEqual([64, 64]);
		expect(png.chunks.filter((c) => c.type === 'tlPd').length).toBeGreaterThan(1);
		expect(bytes.equals(emu.expectedImageBytes(id, 1))).toBe(true);
	});

	it('ends a failTask task with image_status 4 and error_message', async () => {
		emu.configure({ queuedMs: 2000 });
		emu.inject('generate', { kind: 'failTask', message: 'Generation failed: content policy' });
		const failed = await created('seedreamv4', { prompt: 'p' });
		const ok = await created('seedreamv4', { prompt: 'p' });
		emu.inject('zimage', { kind: 'failTask' });
		const failedDefault = await created('zimage', { prompt: 'p' });
		expect((await statusData(failed)).image_status).toBe(1);
		emu.completeAllNow();
		const d = await statusData(failed);
		expect([d.image_status, d.url, d.error_message]).toEqual([4, [], 'Generation failed: content policy']);
		expect((await statusData(ok)).image_status).toBe(3);
		const dd = await statusData(failedDefault);
		expect(dd.image_status).toBe(4);
		expect(dd.error_message).toEqual(expect.stringMatching(/\S/));
		expect((await download(`${emu.imageOrigin}/images/${failed}/0.png`)).res.status).toBe(404);
	});
});

// ---------------------------------------------------------------------------------------------
// Status and delete
// ---------------------------------------------------------------------------------------------

describe('status and delete', () => {
	it('deletes tasks: empty list is a free success, deleted tasks are not found and their images 404', async () => {
		expect(await del([])).toEqual({ status: 200, body: { code: 1000, msg: 'Successfully', data: { status: 'Success' } } });
		emu.configure({ queuedMs: 0, processingMs: 0 });
		const id = await created('seedreamv45', { prompt: 'p' });
		const keep = await created('seedreamv45', { prompt: 'p' });
		expect((await statusData(id)).image_status).toBe(3);
		const r = await postJson('deleteimagestask', { uid: 'user-1', taskids: [id, 'abcd_ffffffffffffffff'] });
		expect(r.body).toEqual({ code: 1000, msg: 'Successfully', data: { status: 'Success' } });
		expect((await status(id)).body).toEqual({ code: 9999, msg: 'Task not found' });
		expect((await statusData(keep)).image_status).toBe(3);
		expect(emu.tasks.get(id)!.deleted).toBe(true);
		expect((await download(`${emu.imageOrigin}/images/${id}/0.png`)).res.status).toBe(404);
		expect((await download(`${emu.imageOrigin}/images/${keep}/0.png`)).res.status).toBe(200);
		// deleting again is still a success
		expect((await del([id])).body.code).toBe(1000);
	});

	it('validates the JSON bodies of status and delete', async () => {
		expect((await status('abcd_0123456789abcdef')).body).toEqual({ code: 9999, msg: 'Task not found' });
		await expectRefused(postJson('infobytaskid', {}), /taskid/);
		await expectRefused(postJson('infobytaskid', { taskid: 5 }), /taskid/);
		await expectRefused(postJson('infobytaskid', { taskid: 'x', extra: 1 }), /extra/);
		await expectRefused(del('abcd'), /taskids/);
		await expectRefused(del([1, 2]), /taskids/);
		await expectRefused(postJson('deleteimagestask', {}), /taskids/);
		await expectRefused(postJson('deleteimagestask', { taskids: [], uid: 7 }), /uid/);
		const notJson = await fetch(`${emu.url}/v1/images/infobytaskid`, { method: 'POST', headers: bearer(), body: form({ taskid: 'x' }) });
		expect(((await notJson.json()) as Envelope).msg).toMatch(/application\/json/);
		const broken = await fetch(`${emu.url}/v1/images/deleteimagestask`, { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: '{"taskids":[' });
		expect(((await broken.json()) as Envelope).msg).toMatch(/JSON/);
	});
});

// ---------------------------------------------------------------------------------------------
// Credits
// ---------------------------------------------------------------------------------------------

describe('credits', () => {
	it('answers 9000 for the no-credits key', async () => {
		const r = await generate('seedreamv45', { prompt: 'p' }, { headers: bearer(emu.noCreditsKey) });
		expect(r.status).toBe(200);
		expect(r.body).toEqual({ code: 9000, msg: 'Insufficient credits' });
		expect(emu.tasks.size).toBe(0);
	});

	it('spends credits per image and answers 9000 when they would go below 0', async () => {
		emu.configure({ credits: 3 });
		await created('seedreamv45', { prompt: 'p', batchsize: '2' });
		expect(emu.creditsLeft).toBe(1);
		expect((await generate('seedreamv45', { prompt: 'p', batchsize: '2' })).body).toEqual({ code: 9000, msg: 'Insufficient credits' });
		await created('zimage', { prompt: 'p' });
		expect(emu.creditsLeft).toBe(0);
		expect((await generate('zimage', { prompt: 'p' })).body.code).toBe(9000);
		// Status and delete stay free.
		expect((await del([])).body.code).toBe(1000);
		emu.reset();
		expect(emu.creditsLeft).toBe(3);
		expect(emu.tasks.size).toBe(0);
	});

	it('answers 9000 once for an outOfCredits fault', async () => {
		emu.inject('generate', { kind: 'outOfCredits' });
		// A refused request does not use the fault up.
		await expectRefused(generate('seedreamv45', {}), /prompt/);
		expect((await generate('seedreamv45', { prompt: 'p' })).body.code).toBe(9000);
		await created('seedreamv45', { prompt: 'p' });
	});
});

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

describe('faults', () => {
	it('http: 500 with an envelope, applied before auth, consumed in order', async () => {
		emu.inject('generate', { kind: 'http', status: 500 });
		const r = await generate('seedreamv45', { prompt: 'p' }, { headers: {} });
		expect(r.status).toBe(500);
		expect(r.body.code).toBe(9999);
		expect(emu.tasks.size).toBe(0);
		expect((await generate('seedreamv45', { prompt: 'p' })).status).toBe(200);

		emu.inject('infobytaskid', { kind: 'http', status: 502 }, 2);
		emu.inject('infobytaskid', { kind: 'http', status: 503, body: 'Service Unavailable' });
		expect((await status('x')).status).toBe(502);
		expect((await fetch(`${emu.url}/v1/images/infobytaskid`, { method: 'POST' })).status).toBe(502);
		const third = await fetch(`${emu.url}/v1/images/infobytaskid`, { method: 'POST' });
		expect([third.status, await third.text()]).toEqual([503, 'Service Unavailable']);
		expect((await status('x')).status).toBe(200);
		expect(emu.apiRequests('infobytaskid').map((x) => x.response?.status)).toEqual([502, 502, 503, 200]);
	});

	it('http: 429 with Retry-After; Infinity until cleared; targets are separate', async () => {
		emu.inject('seedreamv4', { kind: 'http', status: 429, retryAfter: '2' }, Infinity);
		for (let i = 0; i < 3; i++) {
			const r = await generate('seedreamv4', { prompt: 'p' });
			expect(r.status).toBe(429);
			expect(r.res.headers.get('retry-after')).toBe('2');
		}
		expect((await generate('seedreamv45', { prompt: 'p' })).status).toBe(200);
		expect(emu.faults).toHaveLength(1);
		emu.clearFaults();
		expect((await generate('seedreamv4', { prompt: 'p' })).status).toBe(200);
	});

	it('reset: the connection is destroyed without a response', async () => {
		emu.inject('generate', { kind: 'reset' });
		await expect(fetch(`${emu.url}/v1/images/zimage`, { method: 'POST', headers: bearer(), body: form({ prompt: 'p' }) })).rejects.toThrow();
		const [rec] = emu.apiRequests('zimage');
		expect(rec.response).toBeUndefined();
		expect(rec.fault).toEqual({ kind: 'reset' });
		expect(rec.fields).toEqual({ prompt: ['p'] });
		expect(emu.tasks.size).toBe(0);
		expect((await generate('zimage', { prompt: 'p' })).status).toBe(200);
	});

	it('hang: never answers; a client giving up after 300 ms sees its own timeout', async () => {
		emu.inject('infobytaskid', { kind: 'hang' });
		const start = Date.now();
		const err = await fetch(`${emu.url}/v1/images/infobytaskid`, {
			method: 'POST',
			headers: { ...bearer(), 'content-type': 'application/json' },
			body: '{"taskid":"x"}',
			signal: AbortSignal.timeout(300),
		}).then(
			() => undefined,
			(e: unknown) => e,
		);
		// (a DOMException, which in Jest's sandbox is not an instance of the sandbox's Error)
		expect((err as { name?: string } | undefined)?.name).toMatch(/TimeoutError|AbortError/);
		expect(Date.now() - start).toBeGreaterThanOrEqual(290);
		expect(emu.apiRequests('infobytaskid')[0].response).toBeUndefined();
		expect((await status('x')).status).toBe(200);
	});

	it('slow: answers normally after delayMs (API and trickled image)', async () => {
		emu.configure({ queuedMs: 0, processingMs: 0 });
		emu.inject('generate', { kind: 'slow', delayMs: 250 });
		let start = Date.now();
		const id = await created('seedreamv45', { prompt: 'p' });
		expect(Date.now() - start).toBeGreaterThanOrEqual(240);
		emu.inject('image', { kind: 'slow', delayMs: 200, trickle: true });
		emu.inject('image', { kind: 'slow', delayMs: 200 });
		for (let i = 0; i < 2; i++) {
			start = Date.now();
			const { res, bytes } = await download(`${emu.imageOrigin}/images/${id}/0.png`);
			expect(res.status).toBe(200);
			expect(Date.now() - start).toBeGreaterThanOrEqual(190);
			expect(bytes.equals(emu.expectedImageBytes(id, 0))).toBe(true);
		}
	});

	it('malformedJson: 200 with a body that is not valid JSON', async () => {
		emu.inject('seedreamv45', { kind: 'malformedJson' });
		const res = await fetch(`${emu.url}/v1/images/seedreamv45`, { method: 'POST', headers: bearer(), body: form({ prompt: 'p' }) });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/application\/json/);
		const text = await res.text();
		expect(() => JSON.parse(text)).toThrow();
	});

	it('redirect: 302 (or the given status) to another origin', async () => {
		emu.inject('infobytaskid', { kind: 'redirect', location: 'http://127.0.0.1:9/elsewhere' });
		emu.inject('image', { kind: 'redirect', location: `${emu.url}/v1/images/infobytaskid`, status: 307 });
		const r = await fetch(`${emu.url}/v1/images/infobytaskid`, { method: 'POST', headers: bearer(), redirect: 'manual' });
		expect(r.status).toBe(302);
		expect(r.headers.get('location')).toBe('http://127.0.0.1:9/elsewhere');
		const i = await fetch(`${emu.imageOrigin}/images/x/0.png`, { redirect: 'manual' });
		expect(i.status).toBe(307);
		expect(i.headers.get('location')).toBe(`${emu.url}/v1/images/infobytaskid`);
	});

	it('unknownStatus: reports the given image_status once, or for forMs', async () => {
		const id = await created('seedreamv45', { prompt: 'p' });
		emu.completeAllNow();
		emu.inject('infobytaskid', { kind: 'unknownStatus', value: 7 });
		expect((await statusData(id)).image_status).toBe(7);
		expect((await statusData(id)).image_status).toBe(3);
		emu.inject('infobytaskid', { kind: 'unknownStatus', value: 0, forMs: 400 });
		expect((await statusData(id)).image_status).toBe(0);
		expect((await statusData(id)).image_status).toBe(0);
		// forMs counts from the first answer that used the fault.
		await sleep(emu.tasks.get(id)!.statusOverride!.until + 10 - Date.now());
		expect((await statusData(id)).image_status).toBe(3);
	});

	it('emptyUrls, imageNotFound, badScheme shape the completed task', async () => {
		emu.configure({ queuedMs: 0, processingMs: 0 });
		emu.inject('generate', { kind: 'emptyUrls' });
		emu.inject('generate', { kind: 'imageNotFound' });
		emu.inject('generate', { kind: 'badScheme' });
		emu.inject('generate', { kind: 'badScheme', scheme: 'file://' });
		const [empty, missing, ftp, file] = [
			await created('seedreamv45', { prompt: 'p' }),
			await created('seedreamv45', { prompt: 'p' }),
			await created('seedreamv45', { prompt: 'p', batchsize: '2' }),
			await created('zimage', { prompt: 'p' }),
		];
		const e = await statusData(empty);
		expect([e.image_status, e.url]).toEqual([3, []]);
		const m = await statusData(missing);
		expect(m.image_status).toBe(3);
		expect(m.url).toEqual([`${emu.imageOrigin}/images/${missing}/0.png`]);
		expect((await download((m.url as string[])[0])).res.status).toBe(404);
		const f = await statusData(ftp);
		expect((f.url as string[]).map((u) => u.split(':')[0])).toEqual(['ftp', 'ftp']);
		expect((await statusData(file)).url).toEqual([expect.stringMatching(/^file:\/\/\//)]);
		expect(emu.faults).toHaveLength(0);
	});

	it('applies http faults to the image origin and refuses impossible injections', async () => {
		emu.configure({ queuedMs: 0, processingMs: 0 });
		const id = await created('zimage', { prompt: 'p' });
		emu.inject('image', { kind: 'http', status: 503, retryAfter: '1' });
		const r = await download(`${emu.imageOrigin}/images/${id}/0.png`);
		expect([r.res.status, r.res.headers.get('retry-after')]).toEqual([503, '1']);
		expect((await download(`${emu.imageOrigin}/images/${id}/0.png`)).res.status).toBe(200);
		expect(() => emu.inject('infobytaskid', { kind: 'failTask' })).toThrow(/never apply/);
		expect(() => emu.inject('generate', { kind: 'unknownStatus', value: 9 })).toThrow(/never apply/);
		expect(() => emu.inject('image', { kind: 'emptyUrls' })).toThrow(/never apply/);
		expect(emu.faults).toHaveLength(0);
	});
});

// ---------------------------------------------------------------------------------------------
// Control endpoints
// ---------------------------------------------------------------------------------------------

describe('control endpoints', () => {
	const control = async (method: string, path: string, body?: unknown) => {
		const res = await fetch(`${emu.url}/__emulator/${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: res.status, json: (await res.json()) as unknown };
	};

	it('drives the emulator over HTTP, unauthenticated and unrecorded', async () => {
		expect((await control('GET', 'health')).json).toMatchObject({ ok: true, url: emu.url, imageOrigin: emu.imageOrigin, apiKey: emu.apiKey });

		const conf = await control('POST', 'configure', { queuedMs: 0, processingMs: 0 });
		expect(conf.status).toBe(200);
		expect([emu.options.queuedMs, emu.options.processingMs]).toEqual([0, 0]);
		expect((await control('POST', 'configure', { port: 1 })).status).toBe(400);

		expect((await control('POST', 'faults', { target: 'generate', fault: { kind: 'http', status: 500 }, times: 1 })).status).toBe(200);
		expect((await control('POST', 'faults', { target: 'nope', fault: { kind: 'http', status: 500 } })).status).toBe(400);
		expect((await generate('seedreamv45', { prompt: 'p' })).status).toBe(500);
		await control('POST', 'faults', { target: 'image', fault: { kind: 'http', status: 404 }, times: null });
		expect(emu.faults[0].remaining).toBe(Infinity);
		await control('DELETE', 'faults');
		expect(emu.faults).toHaveLength(0);

		const bytes = randomBytes(100);
		const id = await created('seedreamv45', { prompt: 'p' }, { files: [{ bytes, filename: 'a.png', type: 'image/png' }] });
		const log = (await control('GET', 'log')).json as Record<string, unknown>[];
		expect(log.map((r) => [r.endpoint, (r.response as RecordedRequest['response'])?.status])).toEqual([
			['seedreamv45', 500],
			['seedreamv45', 200],
		]);
		const files = log[1].files as Record<string, unknown>[];
		expect(files).toEqual([
			{ field: 'sourceImage', filename: 'a.png', contentType: 'image/png', size: 100, sha256: createHash('sha256').update(bytes).digest('hex') },
		]);
		const withBytes = (await control('GET', 'log?bytes=1')).json as { files: { bytesBase64: string }[] }[];
		expect(Buffer.from(withBytes[1].files[0].bytesBase64, 'base64').equals(bytes)).toBe(true);
		expect(emu.log.some((r) => r.path.startsWith('/__emulator'))).toBe(false);

		const tasks = (await control('GET', 'tasks')).json as Record<string, unknown>[];
		expect(tasks.map((t) => [t.taskid, t.status, t.model])).toEqual([[id, 3, 'seedreamv45']]);

		expect((await control('POST', 'reset')).json).toEqual({ ok: true });
		expect(emu.log).toHaveLength(0);
		expect(emu.tasks.size).toBe(0);
		expect((await control('GET', 'nope')).status).toBe(404);
	});
});

// ---------------------------------------------------------------------------------------------
// close()
// ---------------------------------------------------------------------------------------------

describe('close', () => {
	it('closes both servers and destroys open (even hung) connections', async () => {
		const other = await startEmulator({ queuedMs: 0, processingMs: 0 });
		expect(other.url).not.toBe(emu.url);
		other.inject('infobytaskid', { kind: 'hang' });
		const hung = fetch(`${other.url}/v1/images/infobytaskid`, {
			method: 'POST',
			headers: { authorization: `Bearer ${other.apiKey}`, 'content-type': 'application/json' },
			body: '{"taskid":"x"}',
		}).then(
			() => 'answered',
			() => 'failed',
		);
		// keep-alive connection on the image origin too
		await fetch(`${other.imageOrigin}/nothing`).then((r) => r.arrayBuffer());
		await sleep(20);
		expect(other.log).toHaveLength(2);
		const start = Date.now();
		await other.close();
		expect(Date.now() - start).toBeLessThan(1000);
		expect(await hung).toBe('failed');
		for (const origin of [other.url, other.imageOrigin]) {
			const { port } = new URL(origin);
			const refused = await new Promise<boolean>((resolve) => {
				const s = net.connect(Number(port), '127.0.0.1');
				s.once('connect', () => {
					s.destroy();
					resolve(false);
				});
				s.once('error', () => resolve(true));
			});
			expect(refused).toBe(true);
		}
		await other.close(); // idempotent
	});
});
