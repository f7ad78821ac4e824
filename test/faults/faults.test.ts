/**
 * Each fault the emulator can inject, on each endpoint, through the node inside n8n-core: what
 * the user ends up with (an output, an error item, or an error that says what happened), and
 * that nothing is lost, spent twice or left running.
 */
import type { Fault, FaultTarget } from '../../emulator';
import {
	descriptionOf,
	generateAndWait,
	openServerSockets,
	run,
	sleep,
	useFaultEmulator,
	watchTimers,
} from './support';

const { emu } = useFaultEmulator();

function expectImages(result: Awaited<ReturnType<typeof run>>, count = 1): void {
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(count);
	result.items.forEach((item, index) => {
		expect(item.json.status).toBe('completed');
		const taskId = item.json.taskId as string;
		expect(result.binaries[index].data.buffer.equals(emu().expectedImageBytes(taskId, item.json.index as number))).toBe(true);
	});
}

async function createTask(batchSize = 1): Promise<string> {
	const result = await run(emu(), { resource: 'image', operation: 'generate', model: 'seedreamv45', prompt: 'later', batchSize });
	expect(result.error).toBeUndefined();
	emu().clearLog();
	return result.items[0].json.taskId as string;
}

describe('bursts of 5xx and 429 on every endpoint', () => {
	it.each([
		['infobytaskid', 503],
		['infobytaskid', 429],
		['image', 500],
		['image', 429],
	] as Array<[FaultTarget, number]>)('retries a burst of two HTTP %s %s answers and delivers the images', async (target, status) => {
		// Retry-After: 0 keeps the test quick; the backoff itself is tested in retries.test.ts.
		emu().inject(target, { kind: 'http', status, retryAfter: '0' }, 2);
		const result = await run(emu(), generateAndWait());
		expectImages(result);
		const requests = target === 'image' ? emu().imageRequests() : emu().apiRequests(target);
		expect(requests.slice(0, 3).map((r) => r.response?.status)).toEqual([status, status, 200]);
		expect(emu().apiRequests('generate')).toHaveLength(1);
	});

	it.each([502, 429])('retries a burst of two HTTP %s answers to a delete', async (status) => {
		emu().inject('deleteimagestask', { kind: 'http', status, retryAfter: '0' }, 2);
		const taskId = (await run(emu(), { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'a lighthouse' })).items[0].json.taskId as string;
		const result = await run(emu(), { resource: 'task', operation: 'delete', taskIds: taskId });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ deleted: true, taskIds: [taskId] });
		expect(emu().apiRequests('deleteimagestask').map((r) => r.response?.status)).toEqual([status, status, 200]);
	});

	it('keeps the downloaded images when the delete after download keeps failing', async () => {
		emu().inject('deleteimagestask', { kind: 'http', status: 503, retryAfter: '0' }, Infinity);
		const result = await run(emu(), generateAndWait({}, { deleteAfterDownload: true }));
		expectImages(result);
		expect(result.items[0].json).toMatchObject({ deletedFromTensorsLab: false, deleteError: 'TensorsLab could not process the request (HTTP 503)' });
		expect(emu().apiRequests('deleteimagestask')).toHaveLength(4);
	});

	it('spends exactly one credit per item when 429 bursts hit generate and status alike', async () => {
		emu().configure({ credits: 3 });
		emu().inject('generate', { kind: 'http', status: 429, retryAfter: '0' }, 3);
		emu().inject('infobytaskid', { kind: 'http', status: 429, retryAfter: '0' }, 3);
		const result = await run(emu(), generateAndWait({ prompt: '={{ $json.p }}' }), {
			inputItems: [{ json: { p: 'one' } }, { json: { p: 'two' } }, { json: { p: 'three' } }],
		});
		expectImages(result, 3);
		expect(result.items.map((item) => item.json.prompt)).toEqual(['one', 'two', 'three']);
		expect(emu().tasks.size).toBe(3);
		expect(emu().creditsLeft).toBe(0);
	});
});

describe('connection resets, hangs and malformed answers', () => {
	it.each([
		['infobytaskid', { kind: 'reset' }],
		['image', { kind: 'reset' }],
		['infobytaskid', { kind: 'malformedJson' }],
		['infobytaskid', { kind: 'hang' }],
		['image', { kind: 'hang' }],
	] as Array<[FaultTarget, Fault]>)('recovers from a %s %j by repeating the request', async (target, fault) => {
		emu().inject(target, fault);
		const result = await run(emu(), generateAndWait({}, { requestTimeout: 0.5 }));
		expectImages(result);
		const requests = target === 'image' ? emu().imageRequests() : emu().apiRequests(target);
		expect(requests[0].fault?.kind).toBe(fault.kind);
		expect(requests.length).toBeGreaterThanOrEqual(2);
		expect(emu().apiRequests('generate')).toHaveLength(1);
	});

	it('recovers from a malformed JSON answer to a delete', async () => {
		const taskId = (await run(emu(), { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'p', options: {} })).items[0].json.taskId as string;
		emu().inject('deleteimagestask', { kind: 'malformedJson' });
		const result = await run(emu(), { resource: 'task', operation: 'delete', taskIds: taskId });
		expect(result.error).toBeUndefined();
		expect(emu().apiRequests('deleteimagestask')).toHaveLength(2);
	});
});

describe('task outcomes the API can report', () => {
	it('keeps polling through unknown image_status values and delivers the result', async () => {
		emu().inject('infobytaskid', { kind: 'unknownStatus', value: 7, forMs: 200 });
		const result = await run(emu(), generateAndWait());
		expectImages(result);
		const polls = emu().apiRequests('infobytaskid');
		expect(polls.length).toBeGreaterThanOrEqual(2);
	});

	it('shows an unknown image_status as status "unknown" with its code in Task → Get', async () => {
		const taskId = await createTask();
		emu().inject('infobytaskid', { kind: 'unknownStatus', value: 0 });
		const result = await run(emu(), { resource: 'task', operation: 'get', taskId, simplify: false });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ taskId, status: 'unknown', statusCode: 0 });
	});

	it('times out on a task that never leaves an unknown status, naming the task ID', async () => {
		emu().inject('infobytaskid', { kind: 'unknownStatus', value: 99, forMs: 60_000 });
		const result = await run(emu(), generateAndWait({}, { timeout: 0.5 }));
		const taskId = [...emu().tasks.keys()][0];
		expect(result.error?.message).toBe(`TensorsLab task ${taskId} did not finish within 0.5 seconds`);
		expect(descriptionOf(result.error)).toContain(`task ID ${taskId}`);
		expect(emu().imageRequests()).toHaveLength(0);
	});

	it('fails clearly when a completed task has an empty url array', async () => {
		emu().inject('generate', { kind: 'emptyUrls' });
		const result = await run(emu(), generateAndWait());
		const taskId = [...emu().tasks.keys()][0];
		expect(result.error?.message).toBe(`Task ${taskId} completed but TensorsLab returned no image URLs`);
		expect(emu().imageRequests()).toHaveLength(0);
	});

	it('reports a failed task with its error_message and downloads nothing', async () => {
		emu().inject('generate', { kind: 'failTask', message: 'Generation failed: content policy' });
		const result = await run(emu(), generateAndWait());
		const taskId = [...emu().tasks.keys()][0];
		expect(result.error?.message).toBe(`TensorsLab could not complete task ${taskId}: Generation failed: content policy`);
		expect(emu().imageRequests()).toHaveLength(0);
		expect(emu().apiRequests('generate')).toHaveLength(1);
	});

	it('under Continue On Fail, failed, empty and missing-image tasks become error items and the rest is kept', async () => {
		emu().inject('generate', { kind: 'failTask', message: 'nope' });
		emu().inject('generate', { kind: 'emptyUrls' });
		emu().inject('generate', { kind: 'imageNotFound' });
		const result = await run(emu(), generateAndWait({ prompt: '={{ $json.p }}' }, { maxConcurrency: 1 }), {
			continueOnFail: true,
			inputItems: ['a', 'b', 'c', 'd'].map((p) => ({ json: { p } })),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(4);
		const ids = [...emu().tasks.keys()];
		expect(result.items[0].json).toEqual({ error: `TensorsLab could not complete task ${ids[0]}: nope`, taskId: ids[0] });
		expect(result.items[1].json).toEqual({ error: `Task ${ids[1]} completed but TensorsLab returned no image URLs`, taskId: ids[1] });
		expect(result.items[2].json).toEqual({ error: 'Could not download the result image (HTTP 404)', taskId: ids[2] });
		expect(result.items[3].json).toMatchObject({ prompt: 'd', status: 'completed', taskId: ids[3] });
		expect(result.binaries[3].data.buffer.equals(emu().expectedImageBytes(ids[3], 0))).toBe(true);
		expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});
});

describe('result images', () => {
	it('reports an image URL that answers 404 as probably expired, without retrying', async () => {
		emu().inject('generate', { kind: 'imageNotFound' });
		const result = await run(emu(), generateAndWait());
		expect(result.error?.message).toBe('Could not download the result image (HTTP 404)');
		expect(descriptionOf(result.error)).toContain('about 24 hours');
		expect(emu().imageRequests()).toHaveLength(1);
	});

	it('waits for a slow image within the request timeout', async () => {
		emu().inject('image', { kind: 'slow', delayMs: 400 });
		const result = await run(emu(), generateAndWait({}, { requestTimeout: 5 }));
		expectImages(result);
		expect(emu().imageRequests()).toHaveLength(1);
	});

	it('receives a slowly trickling image intact within the request timeout', async () => {
		emu().configure({ imageBytes: 300_000 });
		emu().inject('image', { kind: 'slow', delayMs: 500, trickle: true });
		const result = await run(emu(), generateAndWait({}, { requestTimeout: 5 }));
		expectImages(result);
		expect(result.binaries[0].data.buffer.length).toBeGreaterThanOrEqual(300_000);
	});
});

describe('credits running out in the middle of a batch', () => {
	const prompts = Array.from({ length: 8 }, (_, i) => `prompt ${i}`);
	const inputItems = prompts.map((p) => ({ json: { p } }));

	it('with Continue On Fail, keeps every result made before the credits ran out and marks the rest', async () => {
		emu().configure({ credits: 5 });
		const result = await run(emu(), generateAndWait({ prompt: '={{ $json.p }}' }, { maxConcurrency: 3 }), { continueOnFail: true, inputItems });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(8);
		const done = result.items.filter((item) => item.json.status === 'completed');
		const failed = result.items.filter((item) => item.json.error !== undefined);
		expect(done).toHaveLength(5);
		expect(failed).toHaveLength(3);
		for (const item of failed) expect(item.json.error).toBe('Insufficient TensorsLab credits');
		// Every paid-for task is in the output, with its image, paired with its own input item.
		expect(done.map((item) => item.json.taskId).sort()).toEqual([...emu().tasks.keys()].sort());
		result.items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			if (item.json.status === 'completed') {
				expect(item.json.prompt).toBe(prompts[index]);
				expect(result.binaries[index].data.buffer.equals(emu().expectedImageBytes(item.json.taskId as string, 0))).toBe(true);
			}
		});
		// Refused generate requests are not retried: one per item.
		expect(emu().apiRequests('generate')).toHaveLength(8);
	});

	it('without Continue On Fail, stops submitting and names every task already created', async () => {
		emu().configure({ credits: 5 });
		const result = await run(emu(), generateAndWait({ prompt: '={{ $json.p }}' }, { maxConcurrency: 1 }), { inputItems });
		expect(result.error?.message).toBe('Insufficient TensorsLab credits');
		const created = [...emu().tasks.keys()];
		expect(created).toHaveLength(5);
		expect(descriptionOf(result.error)).toContain('https://tensorai.tensorslab.com/');
		for (const taskId of created) expect(descriptionOf(result.error)).toContain(taskId);
		expect(descriptionOf(result.error)).toContain('Wait and Download');
		// The refused sixth request was the last one: the other two items were never sent.
		expect(emu().apiRequests('generate')).toHaveLength(6);
	});

	it('without Continue On Fail, names the tasks of generate requests still in flight when another item ran out of credits', async () => {
		// Two requests are processed at once (spending the last two credits) but answered slowly;
		// the third is refused meanwhile.
		emu().configure({ credits: 2 });
		emu().inject('generate', { kind: 'slow', delayMs: 400 }, 2);
		const result = await run(emu(), generateAndWait({ prompt: '={{ $json.p }}' }, { maxConcurrency: 3 }), { inputItems });
		expect(result.error?.message).toBe('Insufficient TensorsLab credits');
		const created = [...emu().tasks.keys()];
		expect(created).toHaveLength(2);
		for (const taskId of created) expect(descriptionOf(result.error)).toContain(taskId);
		expect(emu().apiRequests('generate')).toHaveLength(3);
	});

	it('Generate (submit only) names the task IDs already created when the credits run out', async () => {
		emu().configure({ credits: 2 });
		const result = await run(emu(), { resource: 'image', operation: 'generate', model: 'zimage', prompt: '={{ $json.p }}', options: { maxConcurrency: 1 } }, { inputItems });
		expect(result.error?.message).toBe('Insufficient TensorsLab credits');
		const created = [...emu().tasks.keys()];
		expect(created).toHaveLength(2);
		for (const taskId of created) expect(descriptionOf(result.error)).toContain(taskId);
		expect(emu().apiRequests('generate')).toHaveLength(3);
	});

	it('Generate (submit only) under Continue On Fail outputs the task IDs made and an error item for each refused item', async () => {
		emu().configure({ credits: 2 });
		const result = await run(emu(), { resource: 'image', operation: 'generate', model: 'zimage', prompt: '={{ $json.p }}', options: { maxConcurrency: 1 } }, {
			continueOnFail: true,
			inputItems,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.slice(0, 2).map((item) => item.json.taskId)).toEqual([...emu().tasks.keys()]);
		expect(result.items.slice(2).map((item) => item.json.error)).toEqual(Array(6).fill('Insufficient TensorsLab credits'));
	});
});

describe('cancelling leaves nothing behind', () => {
	let timers: ReturnType<typeof watchTimers>;
	beforeEach(() => {
		timers = watchTimers();
	});
	afterEach(() => timers.stop());

	it('cancel during polling: stops polling at once, no timer or in-flight request left', async () => {
		emu().configure({ processingMs: 60_000 });
		const started = Date.now();
		const result = await run(emu(), generateAndWait({}, { pollInterval: 1 }), { cancelAfterMs: 1_500 });
		expect(result.cancelled).toBe(true);
		// The cancel lands mid-way through a 1 s poll delay, so a delay left armed by the cancel is
		// still pending here; checked at once, as it would fire unseen during the wait below.
		expect(timers.pending()).toEqual([]);
		// Without the cancel it would poll for the task's 60 s (the harness gives up after 20 s).
		expect(Date.now() - started).toBeLessThan(5_000);
		const polls = emu().apiRequests('infobytaskid').length;
		expect(polls).toBeGreaterThanOrEqual(1);
		await sleep(800);
		expect(emu().apiRequests('infobytaskid')).toHaveLength(polls);
		expect(timers.pending()).toEqual([]);
	});

	it('cancel while a status request hangs: the request is aborted and its socket closed', async () => {
		emu().inject('infobytaskid', { kind: 'hang' });
		const result = await run(emu(), generateAndWait(), { cancelAfterMs: 500 });
		expect(result.cancelled).toBe(true);
		await sleep(200);
		const hung = emu().apiRequests('infobytaskid')[0];
		expect(hung.fault?.kind).toBe('hang');
		// No keep-alive: the only connection still open would be the hung request's. It is gone.
		expect(openServerSockets(emu(), emu().options.port)).toHaveLength(0);
		expect(emu().apiRequests('infobytaskid')).toHaveLength(1);
		expect(timers.pending()).toEqual([]);
	});

	it('cancel during a download: the transfer is aborted, not retried, and its socket closed', async () => {
		emu().configure({ imageBytes: 2_000_000 });
		emu().inject('image', { kind: 'slow', delayMs: 6_000, trickle: true });
		const started = Date.now();
		const result = await run(emu(), generateAndWait({}, { requestTimeout: 30 }), { cancelAfterMs: 900 });
		expect(result.cancelled).toBe(true);
		// The image takes 6 s to arrive; the cancel must not wait for it.
		expect(Date.now() - started).toBeLessThan(4_000);
		expect(emu().imageRequests()).toHaveLength(1);
		expect(result.items).toHaveLength(0);
		// The emulator trickles in 0.6 s steps; by then it must have noticed the closed connection.
		await sleep(1_200);
		expect(openServerSockets(emu(), emu().options.imagePort)).toHaveLength(0);
		expect(emu().imageRequests()).toHaveLength(1);
		expect(timers.pending()).toEqual([]);
	});
});
