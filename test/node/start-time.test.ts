/** The image status answer's `starttime` reaches the output: on Task → Get and on every result item. */
import { run, useEmulator } from './helpers';

const { emu } = useEmulator();

const START_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

describe('start time', () => {
	it('Generate and Wait puts the task\'s start time on each image item, and Task → Get (not simplified) reports the same', async () => {
		const result = await run(emu(), { resource: 'image', operation: 'generateAndWait', model: 'zimage', prompt: 'p', options: { downloadImages: false } });
		expect(result.error).toBeUndefined();
		const taskId = result.items[0].json.taskId as string;
		const startTime = result.items[0].json.startTime;
		expect(startTime).toMatch(START_TIME);
		const got = await run(emu(), { resource: 'task', operation: 'get', taskId, simplify: false });
		expect(got.items[0].json.startTime).toBe(startTime);
	});
});
