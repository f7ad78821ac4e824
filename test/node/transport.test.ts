/** The transport's envelope unwrapping and error mapping, through the node, over real HTTP. */
import { TOP_UP_URL } from '../../nodes/TensorsLab/transport/envelope';
import { run, useEmulator } from './helpers';

const { emu } = useEmulator();

const getTask = { resource: 'task', operation: 'get', taskId: 'abcd_1' };

function description(error: Error | undefined): string {
	return String((error as { description?: string } | undefined)?.description ?? '');
}

describe('transport', () => {
	it('turns code 9000 into an insufficient-credits error with the top-up link and the API message', async () => {
		const result = await run(emu(), { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'p' }, {
			credentials: { apiKey: emu().noCreditsKey, baseUrl: emu().url },
		});
		expect(result.error?.message).toBe('Insufficient TensorsLab credits');
		expect(description(result.error)).toContain(TOP_UP_URL);
		expect(description(result.error)).toContain('Insufficient credits');
		expect(TOP_UP_URL).toBe('https://tensorai.tensorslab.com/');
		expect(emu().apiRequests('generate')).toHaveLength(1);
	});

	it('turns code 9999 into an error carrying the API message', async () => {
		const result = await run(emu(), getTask);
		expect(result.error?.message).toBe('Could not get image task abcd_1: ' + 'TensorsLab refused the request: Task not found (code 9999)');
		expect(result.error?.constructor.name).toBe('NodeApiError');
	});

	it('reports a refused key clearly (HTTP 401)', async () => {
		const result = await run(emu(), getTask, { credentials: { apiKey: 'not-the-key', baseUrl: emu().url } });
		expect(result.error?.message).toBe('Could not get image task abcd_1: ' + 'TensorsLab refused the API key');
		expect(description(result.error)).toContain('Invalid API key');
	});

	it('reports an HTTP error status with its code', async () => {
		emu().inject('infobytaskid', { kind: 'http', status: 404, body: 'no such route' });
		const result = await run(emu(), getTask);
		expect(result.error?.message).toBe('Could not get image task abcd_1: ' + 'TensorsLab refused the request (HTTP 404)');
		expect((result.error as { httpCode?: string }).httpCode).toBe('404');
	});

	it('times out a request after the request timeout and says so', async () => {
		emu().inject('infobytaskid', { kind: 'hang' }, Infinity);
		const started = Date.now();
		const result = await run(
			emu(),
			{ resource: 'task', operation: 'waitAndDownload', taskId: 'abcd_1', options: { requestTimeout: 0.3 } },
			{ timeoutMs: 30_000 },
		);
		expect(result.error?.message).toBe('Could not get image task abcd_1: ' + 'TensorsLab did not answer within 0.3 seconds');
		// Status requests are safe to repeat, so the hang is tried a bounded number of times.
		expect(emu().apiRequests('infobytaskid').length).toBe(4);
		expect(Date.now() - started).toBeLessThan(20_000);
	});

	it('reports a network failure', async () => {
		const result = await run(emu(), getTask, { credentials: { apiKey: emu().apiKey, baseUrl: 'http://127.0.0.1:9' } });
		expect(result.error?.message).toBe('Could not get image task abcd_1: ' + 'Could not connect to TensorsLab: the connection was refused');
	});
});
