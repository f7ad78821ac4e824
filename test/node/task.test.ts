import { expectedImageBytes } from '../../emulator';
import { run, useEmulator } from './helpers';

const { emu } = useEmulator();

async function submit(model = 'seedreamv45', batchSize = 2): Promise<string> {
	const result = await run(emu(), { resource: 'image', operation: 'generate', model, prompt: 'later', batchSize });
	expect(result.error).toBeUndefined();
	return result.items[0].json.taskId as string;
}

describe('Task → Get', () => {
	it('reports queued, then completed with URLs, as code and name', async () => {
		emu().configure({ queuedMs: 60_000 });
		const taskId = await submit();
		const queued = await run(emu(), { resource: 'task', operation: 'get', taskId, simplify: false });
		expect(queued.items[0].json).toMatchObject({ taskId, status: 'queued', statusCode: 1, urls: [], model: 'seedreamv45', prompt: 'later' });
		emu().completeAllNow();
		const done = await run(emu(), { resource: 'task', operation: 'get', taskId, simplify: false });
		expect(done.items[0].json).toMatchObject({
			taskId,
			status: 'completed',
			statusCode: 3,
			urls: [`${emu().imageOrigin}/images/${taskId}/0.png`, `${emu().imageOrigin}/images/${taskId}/1.png`],
			width: 2048,
			height: 2048,
			errorMessage: null,
		});
		expect(emu().apiRequests('infobytaskid').map((r) => r.json)).toEqual([{ taskid: taskId }, { taskid: taskId }]);
	});

	it('reports a failed task with its error message', async () => {
		emu().inject('generate', { kind: 'failTask', message: 'out of memory' });
		const taskId = await submit('zimage', 1);
		emu().completeAllNow();
		const result = await run(emu(), { resource: 'task', operation: 'get', taskId, simplify: false });
		expect(result.items[0].json).toMatchObject({ status: 'failed', statusCode: 4, errorMessage: 'out of memory' });
	});

	it('returns the simplified answer by default: at most 10 fields, the most used first', async () => {
		const taskId = await submit();
		emu().completeAllNow();
		const result = await run(emu(), { resource: 'task', operation: 'get', taskId });
		expect(result.items[0].json).toEqual({
			taskId,
			status: 'completed',
			model: 'seedreamv45',
			urls: [`${emu().imageOrigin}/images/${taskId}/0.png`, `${emu().imageOrigin}/images/${taskId}/1.png`],
			width: 2048,
			height: 2048,
			errorMessage: null,
		});
		const raw = await run(emu(), { resource: 'task', operation: 'get', taskId, simplify: false });
		expect(Object.keys(raw.items[0].json)).toHaveLength(11);
	});

	it('gets one status per input item, paired', async () => {
		const ids = [await submit(), await submit('zimage', 1)];
		const result = await run(emu(), { resource: 'task', operation: 'get', taskId: '={{ $json.id }}' }, { inputItems: ids.map((id) => ({ json: { id } })) });
		expect(result.items.map((i) => [i.json.taskId, i.pairedItem])).toEqual([
			[ids[0], { item: 0 }],
			[ids[1], { item: 1 }],
		]);
	});

	it('turns an unknown task into the API message', async () => {
		const result = await run(emu(), { resource: 'task', operation: 'get', taskId: 'nope_0000' });
		expect(result.error?.message).toBe('Could not get image task nope_0000: TensorsLab refused the request: Task not found (code 9999)');
		expect(String((result.error as { description?: unknown }).description)).toContain('Task Type Image');
	});
});

describe('Task → Wait and Download', () => {
	it('waits for a task from an earlier Generate and downloads its images', async () => {
		const taskId = await submit('seedreamv45', 2);
		emu().clearLog();
		const result = await run(emu(), { resource: 'task', operation: 'waitAndDownload', taskId, options: {} });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json)).toEqual([
			expect.objectContaining({ taskId, model: 'seedreamv45', status: 'completed', index: 0, prompt: 'later' }),
			expect.objectContaining({ taskId, model: 'seedreamv45', status: 'completed', index: 1 }),
		]);
		result.binaries.forEach((binary, index) => expect(binary.data.buffer.equals(expectedImageBytes(taskId, index))).toBe(true));
		expect(emu().apiRequests('generate')).toHaveLength(0);
	});
});

describe('Task → Delete', () => {
	it('deletes the listed tasks with the uid and reports them', async () => {
		const a = await submit();
		const b = await submit('zimage', 1);
		const result = await run(emu(), { resource: 'task', operation: 'delete', taskIds: ` ${a}, ${b} ,`, uid: 'user-7' });
		expect(result.items).toEqual([
			expect.objectContaining({ json: { deleted: true, taskIds: [a, b], uid: 'user-7' }, pairedItem: { item: 0 } }),
		]);
		expect(emu().apiRequests('deleteimagestask').map((r) => r.json)).toEqual([{ uid: 'user-7', taskids: [a, b] }]);
		const after = await run(emu(), { resource: 'task', operation: 'get', taskId: a });
		expect(after.error?.message).toMatch(/Task not found/);
	});

	it('takes the IDs from an expression that returns a list, and sends no uid when empty', async () => {
		const ids = [await submit(), await submit()];
		await run(emu(), { resource: 'task', operation: 'delete', taskIds: '={{ $json.ids }}', uid: '' }, { inputItems: [{ json: { ids } }] });
		expect(emu().apiRequests('deleteimagestask').map((r) => r.json)).toEqual([{ taskids: ids }]);
	});
});
