/**
 * The defects of the third review (issue 21), one test (or a small table) per defect, named with
 * the defect's number. Each runs the real node inside n8n-core (or the credential's Test the way
 * n8n runs it) against the fault emulator or a small local server written here, and looks only at
 * what is public: parameters in; output items, errors, the requests the servers received, and the
 * timers left armed, out. Each was seen failing on the code before its fix.
 */
import type { INodeParameters } from 'n8n-workflow';
import { BinaryDataService } from 'n8n-core';
import type * as http from 'node:http';

import { testCredential, type HarnessInputItem } from '../harness';
import { PNG_BYTES } from '../node/helpers';
import {
	SECRET_KEY,
	descriptionOf,
	everythingVisible,
	openServerSockets,
	generateAndWait,
	run,
	sleep,
	startRecordingServer,
	useFaultEmulator,
	waitAndDownload,
	watchTimers,
	type RecordingServer,
} from './support';

const { emu } = useFaultEmulator();

function videoAndWait(extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}): INodeParameters {
	return { resource: 'video', operation: 'generateAndWait', model: 'seedancev2', prompt: 'a lighthouse at dusk', ...extra, options: { pollInterval: 0.05, ...options } } as INodeParameters;
}

const withLastFrame = { additionalFields: { returnLastFrame: true } };

async function submittedTaskId(parameters: INodeParameters = { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'p' }): Promise<string> {
	const result = await run(emu(), parameters);
	expect(result.error).toBeUndefined();
	return result.items[0].json.taskId as string;
}

/** The item index n8n shows for a node error. */
function itemOf(error: unknown): unknown {
	return (error as { context?: { itemIndex?: unknown } }).context?.itemIndex;
}

/** The request body as text (the recording server has set the request flowing). */
async function bodyOf(req: http.IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	return await new Promise((resolve) => {
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
	});
}

function sendJson(res: http.ServerResponse, payload: unknown, status = 200): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(payload));
}

describe('1. Delete Task After Download never deletes a task whose results were not downloaded', () => {
	it.each([
		['Image → Generate and Wait', generateAndWait({}, { downloadImages: false, deleteAfterDownload: true }), 'Download Images'],
		['Video → Generate and Wait', videoAndWait({}, { downloadVideos: false, deleteAfterDownload: true }), 'Download Videos'],
		['Task → Wait and Download', waitAndDownload('abcd_1', { downloadImages: false, deleteAfterDownload: true }), 'Download Images'],
	])('1. %s: download off with delete on is refused before any request, naming both options', async (_name, parameters, download) => {
		const result = await run(emu(), parameters);
		expect(result.error?.message).toMatch(new RegExp(`^'Delete Task After Download' needs '${download}' on: .* \\[item 0, parameter "options.deleteAfterDownload"\\]$`));
		expect(result.items).toHaveLength(0);
		expect(emu().log).toHaveLength(0);
	});
});

describe('2. the error that stops the node names every item whose generate outcome is unknown', () => {
	let server: RecordingServer;
	let taskCount = 0;
	beforeAll(async () => {
		// By prompt: "hang" never answers, "refuse" is a 400, anything else creates a task.
		server = await startRecordingServer((req, res) => {
			void bodyOf(req).then((body) => {
				if (body.includes('hang-here')) return;
				if (body.includes('refuse-here')) return sendJson(res, { code: 9999, msg: 'bad prompt' }, 400);
				sendJson(res, { code: 1000, msg: 'OK', data: { taskid: `made_${++taskCount}` } });
			});
		});
	});
	afterAll(async () => await server.close());

	it('2. item 0 hangs past Request Timeout, item 1 is refused, item 2 creates a task: all three are named', async () => {
		const result = await run(
			emu(),
			{ resource: 'image', operation: 'generate', model: 'zimage', prompt: '={{ $json.p }}', options: { requestTimeout: 1.5, maxConcurrency: 3 } } as INodeParameters,
			{
				credentials: { apiKey: SECRET_KEY, baseUrl: server.url },
				inputItems: [{ json: { p: 'hang-here' } }, { json: { p: 'refuse-here' } }, { json: { p: 'fine' } }],
			},
		);
		expect(result.error?.message).toBe('TensorsLab refused the request (HTTP 400): bad prompt');
		expect(itemOf(result.error)).toBe(1);
		const description = descriptionOf(result.error);
		expect(description).toContain('Tasks already created in this run');
		expect(description).toContain(`made_${taskCount}`);
		expect(description).toMatch(/Items whose generation request got no answer, so a task may exist that no ID names: 0\./);
		expect((result.error as { outcomeUnknownItems?: number[] }).outcomeUnknownItems).toEqual([0]);
	});
});

describe('3. nothing of ours is sent, and no timer of ours is armed, after the node returns', () => {
	let timers: ReturnType<typeof watchTimers>;
	beforeEach(() => {
		timers = watchTimers();
	});
	afterEach(() => timers.stop());

	/** Requests to the API and the file origin seen until now, and again `ms` later: none new. */
	async function expectQuietAfterReturn(ms = 2_500): Promise<void> {
		const seen = emu().log.length;
		await sleep(ms);
		expect(emu().log.slice(seen).map((r) => `${r.method} ${r.path}`)).toEqual([]);
		expect(timers.pending()).toEqual([]);
	}

	it('3. success: a completed run leaves nothing behind', async () => {
		const result = await run(emu(), generateAndWait({ prompt: '={{ $json.p }}' }), { inputItems: [{ json: { p: 'a' } }, { json: { p: 'b' } }] });
		expect(result.error).toBeUndefined();
		expect(timers.pending()).toEqual([]);
		await expectQuietAfterReturn(1_000);
	});

	it('3. Return Pending: a status request still out at the Timeout is abandoned, not retried', async () => {
		emu().inject('infobytaskid', { kind: 'hang' }, Infinity);
		const started = Date.now();
		const result = await run(emu(), generateAndWait({}, { timeout: 1, onTimeout: 'returnPending', requestTimeout: 3 }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('pending');
		expect(Date.now() - started).toBeLessThan(2_500);
		// Before the fix the hung request ran on to its Request Timeout (3 s), then was retried.
		expect(timers.pending()).toEqual([]);
		await expectQuietAfterReturn(4_000);
		// Its connection was closed, not left to the server.
		expect(openServerSockets(emu(), emu().options.port)).toHaveLength(0);
	});

	it('3. Continue On Fail: a timed-out item leaves no request or timer behind', async () => {
		emu().inject('infobytaskid', { kind: 'hang' }, Infinity);
		const result = await run(emu(), generateAndWait({}, { timeout: 1, requestTimeout: 3 }), { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/did not finish within 1 second/);
		expect(timers.pending()).toEqual([]);
		await expectQuietAfterReturn(4_000);
	});

	it('3. thrown error: the other item\'s hung status request is abandoned with its deadline timer', async () => {
		const taskId = await submittedTaskId();
		emu().inject('infobytaskid', { kind: 'hang' }, 1);
		// Item 0's status request hangs (Request Timeout 60 s); item 1's ID is unknown and fails the node.
		const result = await run(emu(), waitAndDownload('={{ $json.id }}', { requestTimeout: 60 }), {
			inputItems: [{ json: { id: taskId } }, { json: { id: 'nope_0000' } }],
		});
		expect(result.error?.message).toMatch(/nope_0000/);
		expect(timers.pending()).toEqual([]);
		await expectQuietAfterReturn(1_500);
	});

	it.each([
		['a status request', waitAndDownload('abcd_1', { requestTimeout: 0.5 })],
		['a generate request', { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'p', options: { requestTimeout: 0.5 } } as INodeParameters],
	])('3. Request Timeout: %s past it has its connection closed, not left open to the server', async (_name, parameters) => {
		// Answers with a space every 100 ms for 6 s: the connection is never idle, so only the node can end it.
		const open = new Set<http.IncomingMessage>();
		const server = await startRecordingServer((req, res) => {
			open.add(req);
			res.writeHead(200, { 'content-type': 'application/json' });
			const timer = setInterval(() => res.write(' '), 100);
			const done = setTimeout(() => res.end('{"code":1000,"msg":"OK","data":{}}'), 6_000);
			res.on('close', () => {
				clearInterval(timer);
				clearTimeout(done);
				open.delete(req);
			});
		});
		// The shortest backoff between the status request's tries (0.25 + 0.5 + 1 s).
		const random = jest.spyOn(Math, 'random').mockReturnValue(0);
		try {
			const started = Date.now();
			const result = await run(emu(), parameters, { credentials: { apiKey: SECRET_KEY, baseUrl: server.url } });
			expect(result.error?.message).toMatch(/did not answer within 0\.5 seconds/);
			// A status request is tried 4 times (0.5 s each), a generate once: never the 6 s trickle.
			expect(Date.now() - started).toBeLessThan(8_000);
			await sleep(300);
			expect(server.requests.length).toBeGreaterThanOrEqual(1);
			expect(open.size).toBe(0);
			expect(timers.pending().filter((stack) => !stack.includes('review3.test.ts'))).toEqual([]);
		} finally {
			random.mockRestore();
			await server.close();
		}
	});

	it('3. cancel: a hung status request leaves no timer and no further request', async () => {
		emu().inject('infobytaskid', { kind: 'hang' }, Infinity);
		const result = await run(emu(), generateAndWait({}, { requestTimeout: 60 }), { cancelAfterMs: 700 });
		expect(result.cancelled).toBe(true);
		expect(timers.pending()).toEqual([]);
		await expectQuietAfterReturn(1_500);
	});
});

describe('4. an API key pasted with spaces is trimmed, and redacted in every form', () => {
	let echo: RecordingServer;
	beforeAll(async () => {
		// Refuses every key, quoting the header back as some APIs do.
		echo = await startRecordingServer((req, res) => {
			const sent = String(req.headers.authorization ?? '').replace(/^Bearer\s*/i, '');
			sendJson(res, { code: 9999, msg: `Invalid API key ${sent}.` }, 401);
		});
	});
	afterAll(async () => await echo.close());

	it('4. a key with spaces around it works in the node and in the credential Test', async () => {
		const credentials = { apiKey: `  ${SECRET_KEY} `, baseUrl: emu().url };
		const result = await run(emu(), generateAndWait(), { credentials });
		expect(result.error).toBeUndefined();
		expect(result.authenticatedRequests.map((r) => r.headers?.Authorization)).toContain(`Bearer ${SECRET_KEY}`);
		for (const request of result.authenticatedRequests) expect(request.headers?.Authorization).toBe(`Bearer ${SECRET_KEY}`);
		expect(await testCredential(credentials)).toEqual({ status: 'OK', message: 'Connection successful!' });
	});

	it.each([
		['a trailing space', `${SECRET_KEY} `],
		['a trailing tab and spaces', `${SECRET_KEY}\t  `],
		['a leading space', ` ${SECRET_KEY}`],
	])('4. a key with %s never appears in the error when the API echoes it', async (_name, apiKey) => {
		const result = await run(emu(), { resource: 'task', operation: 'get', taskId: 'abcd_1' }, { credentials: { apiKey, baseUrl: echo.url } });
		expect(result.error?.message).toMatch(/TensorsLab refused the API key/);
		expect(descriptionOf(result.error)).toContain('Invalid API key [redacted].');
		expect(everythingVisible(result)).not.toContain(SECRET_KEY);
	});
});

describe('5. a failed last-frame download keeps the paid video', () => {
	it.each([
		['without Continue On Fail', false],
		['with Continue On Fail', true],
	])('5. %s: the MP4 is output, the last frame\'s failure is in lastFrameError, and the task is not deleted', async (_name, continueOnFail) => {
		// The moment the MP4 has been served, the next file request (the last frame) answers 404.
		const onRequest = (rec: { path: string }) => {
			if (rec.path.endsWith('.mp4')) emu().inject('video', { kind: 'http', status: 404 });
		};
		emu().events.on('request', onRequest);
		try {
			const result = await run(emu(), videoAndWait(withLastFrame, { deleteAfterDownload: true }), { continueOnFail });
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(1);
			const [item] = result.items;
			expect(item.binary?.data?.mimeType).toBe('video/mp4');
			expect(item.binary?.lastFrame).toBeUndefined();
			expect(item.json.lastFrameError).toBe('Could not download the last frame image (HTTP 404)');
			expect(item.json.error).toBeUndefined();
			// Deleting would make the last frame unreachable for good.
			expect(item.json).toMatchObject({ deletedFromTensorsLab: false });
			expect(emu().apiRequests('deletevideotask')).toHaveLength(0);
		} finally {
			emu().events.off('request', onRequest);
		}
	});
});

describe('6. every status-request error names its task and its item', () => {
	it('6. Wait and Download on 3 items, item 2\'s task unknown: the error names item 2 and its task ID', async () => {
		const ids = [await submittedTaskId(), await submittedTaskId(), 'nope_2222'];
		const result = await run(emu(), waitAndDownload('={{ $json.id }}'), { inputItems: ids.map((id) => ({ json: { id } })) });
		expect(result.error?.message).toBe('Could not get image task nope_2222: TensorsLab refused the request: Task not found (code 9999)');
		expect(itemOf(result.error)).toBe(2);
	});

	it('6. with Continue On Fail the error item is item 2\'s, with its task ID', async () => {
		const ids = [await submittedTaskId(), 'nope_1111', await submittedTaskId()];
		const result = await run(emu(), waitAndDownload('={{ $json.id }}'), { inputItems: ids.map((id) => ({ json: { id } })), continueOnFail: true });
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[1].json).toMatchObject({ taskId: 'nope_1111', error: expect.stringContaining('nope_1111') });
	});
});

describe('7. a wrong Task Type gives a true and helpful answer', () => {
	it('7. Delete with Task Type Image on a video task fails, deletes nothing and says to check Task Type', async () => {
		const videoTask = await submittedTaskId({ resource: 'video', operation: 'generate', model: 'seedancev1profast', prompt: 'p' } as INodeParameters);
		const result = await run(emu(), { resource: 'task', operation: 'delete', taskType: 'image', taskIds: videoTask });
		expect(result.error?.message).toBe(`Could not get image task ${videoTask}: TensorsLab refused the request: Task not found (code 9999)`);
		expect(descriptionOf(result.error)).toMatch(/Task Type/);
		expect(result.items).toHaveLength(0);
		expect(emu().apiRequests('deleteimagestask')).toHaveLength(0);
		expect(emu().videoTasks.get(videoTask)?.deleted).toBeFalsy();
	});

	it.each([
		['Task → Get', (id: string) => ({ resource: 'task', operation: 'get', taskType: 'video', taskId: id })],
		['Task → Wait and Download', (id: string) => ({ ...waitAndDownload(id), taskType: 'video' })],
	])('7. %s with Task Type Video on an image task says to check Task Type and the ID', async (_name, parameters) => {
		const imageTask = await submittedTaskId();
		const result = await run(emu(), parameters(imageTask) as INodeParameters);
		expect(result.error?.message).toContain(`video task ${imageTask}`);
		expect(descriptionOf(result.error)).toMatch(/Check the task ID, and that it is a task of Video → Generate \(Task Type Video\)/);
	});

	it('7. Delete of an existing task outputs deleted: true with the IDs, and the task is gone', async () => {
		const taskId = await submittedTaskId();
		const result = await run(emu(), { resource: 'task', operation: 'delete', taskIds: taskId });
		expect(result.items.map((item) => item.json)).toEqual([{ deleted: true, taskIds: [taskId] }]);
		expect(emu().tasks.get(taskId)?.deleted).toBe(true);
	});
});

describe('8. time options have documented maximums, checked before any request', () => {
	it.each([
		['requestTimeout', 99999999, 3_600, 'Request Timeout (Seconds)'],
		['timeout', 99999999, 86_400, 'Timeout (Seconds)'],
		['pollInterval', 3601, 3_600, 'Poll Interval (Seconds)'],
	])('8. %s = %s is refused before any request, naming the item and the option', async (option, value, max, label) => {
		const result = await run(emu(), generateAndWait({ prompt: '={{ $json.p }}' }, { [option]: `={{ $json.p === "b" ? ${value} : 1 }}` }), {
			inputItems: [{ json: { p: 'a' } }, { json: { p: 'b' } }],
		});
		expect(result.error?.message).toBe(`'${label}' must be at most ${max.toLocaleString('en-US')} seconds, got ${value} [item 1, parameter "options.${option}"]`);
		expect(emu().log).toHaveLength(0);
	});
});

describe('9. the video\'s field and the last frame\'s field may not be the same', () => {
	it('9. Put Output File in Field "lastFrame" on a video is refused before any request', async () => {
		const result = await run(emu(), videoAndWait(withLastFrame, { binaryPropertyName: 'lastFrame' }));
		expect(result.error?.message).toMatch(/^"lastFrame" would put the video in "lastFrame", the field that holds the last frame image, .* \[item 0, parameter "options.binaryPropertyName"\]$/);
		expect(emu().log).toHaveLength(0);
	});
});

describe('10. source images are read when their request is built, not all before the first', () => {
	it('10. Image → Edit of 8 items, Max Concurrency 2: at most 2 files read whole before the first request is answered', async () => {
		const reads: number[] = [];
		const original = BinaryDataService.prototype.getAsBuffer;
		const counting = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer').mockImplementation(async function (this: BinaryDataService, binary) {
			// The harness reads the output images back the same way: only the inputs count.
			if (binary.fileName?.startsWith('in-')) reads.push(Date.now());
			return await original.call(this, binary);
		});
		try {
			emu().configure({ processingMs: 200 });
			const inputItems: HarnessInputItem[] = Array.from({ length: 8 }, (_, i) => ({
				json: { i },
				binary: { data: { data: Buffer.concat([PNG_BYTES, Buffer.alloc(64 * 1024, i)]), mimeType: 'image/png', fileName: `in-${i}.png` } },
			}));
			const result = await run(emu(), { resource: 'image', operation: 'edit', prompt: 'erase the car', binaryPropertyNames: 'data', options: { maxConcurrency: 2, pollInterval: 0.05 } } as INodeParameters, {
				inputItems,
				binaryMode: 'filesystem',
			});
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(8);
			const firstAnswer = Math.min(...emu().apiRequests('generate').map((r) => r.answeredAt ?? Infinity));
			// Read once per item, whole only for its own request: two lanes, so two before the first answer.
			expect(reads).toHaveLength(8);
			expect(reads.filter((time) => time < firstAnswer).length).toBeLessThanOrEqual(2);
			// Every file went out whole.
			for (const request of emu().apiRequests('generate')) expect(request.files[0].size).toBe(PNG_BYTES.length + 64 * 1024);
		} finally {
			counting.mockRestore();
		}
	});
});

describe('more of the same kind: errors that serve many items', () => {
	it('more: Delete on 3 items, item 2\'s delete is refused: the error names the tasks items 0 and 1 deleted', async () => {
		const more = [await submittedTaskId(), await submittedTaskId(), await submittedTaskId()];
		// Once the second delete has been answered, the third is refused (HTTP 400, not retried).
		let deletes = 0;
		const onRequest = (rec: { endpoint: string }) => {
			if (rec.endpoint === 'deleteimagestask' && ++deletes === 2) emu().inject('deleteimagestask', { kind: 'http', status: 400 });
		};
		emu().events.on('request', onRequest);
		try {
			const failed = await run(emu(), { resource: 'task', operation: 'delete', taskIds: '={{ $json.id }}' }, { inputItems: more.map((id) => ({ json: { id } })) });
			expect(failed.error?.message).toMatch(/^TensorsLab refused the request \(HTTP 400\)/);
			expect(itemOf(failed.error)).toBe(2);
			expect(descriptionOf(failed.error)).toContain(`Already deleted in this run: ${more[0]}, ${more[1]}.`);
		} finally {
			emu().events.off('request', onRequest);
		}
	});

	it('more: Wait and Download on 2 items, item 0\'s image download fails: the error names its task', async () => {
		const ids = [await submittedTaskId(), await submittedTaskId()];
		emu().configure({ processingMs: 0 });
		await sleep(200);
		emu().inject('image', { kind: 'http', status: 403 }, 1);
		const result = await run(emu(), waitAndDownload('={{ $json.id }}', { maxConcurrency: 1 }), { inputItems: ids.map((id) => ({ json: { id } })) });
		expect(result.error?.message).toBe('Could not download the result image (HTTP 403)');
		expect(itemOf(result.error)).toBe(0);
		expect(descriptionOf(result.error)).toContain(`Task ID: ${ids[0]}.`);
	});
});
