/**
 * The retry policy, observed from the emulator's side: which requests are repeated, how often,
 * how far apart, and which never are. Status, delete and download requests are safe to repeat;
 * a generate request spends credits and the API has no idempotency key, so it is repeated only
 * when the failure proves nothing was processed (connection refused, or HTTP 429).
 */
import { startEmulator } from '../../emulator';
import {
	FAST,
	SECRET_KEY,
	descriptionOf,
	freePort,
	gaps,
	generateAndWait,
	run,
	sleep,
	useFaultEmulator,
	waitAndDownload,
} from './support';

const { emu } = useFaultEmulator();

const OUTCOME_UNKNOWN = /may or may not have created a task, so it was not sent again/;

/** Runs `body` with Math.random returning `draw` (the transport's backoff jitter reads it). */
async function withRandom<T>(draw: number, body: () => Promise<T>): Promise<T> {
	const random = jest.spyOn(Math, 'random').mockReturnValue(draw);
	try {
		return await body();
	} finally {
		random.mockRestore();
	}
}

/** Times at which the emulator received requests for `target`. */
function arrivals(target: Parameters<ReturnType<typeof emu>['apiRequests']>[0] | 'image'): number[] {
	const requests = target === 'image' ? emu().imageRequests() : emu().apiRequests(target);
	return requests.map((request) => request.time);
}

describe('repeatable requests (status, delete, download)', () => {
	it('gives up after 4 tries of a status request, waiting exponentially longer each time', async () => {
		emu().inject('infobytaskid', { kind: 'http', status: 503 }, Infinity);
		// Backoff: 0.5 s, 1 s, 2 s, each jittered to between half and all of it. The lowest draw
		// keeps the test short; the jitter itself is the next test.
		const result = await withRandom(0, async () => await run(emu(), generateAndWait()));
		expect(result.error?.message).toMatch(/^Could not get image task \S+: TensorsLab could not process the request \(HTTP 503\)$/);
		expect(descriptionOf(result.error)).toContain('gave up after 4 attempts');
		expect(emu().apiRequests('infobytaskid')).toHaveLength(4);
		// A wait can only come out longer than its backoff (a busy machine, or code first loaded on
		// the first failure of a fresh checkout, once made the first gap 579 ms), so each gap is
		// bounded below by its backoff and above with room for such a stall (0.5 s, 0.75 s, 1 s). A
		// constant or linear backoff still fails: 1 s for the first is above 750 ms, 0.75 s for the
		// third below 990 ms.
		const [first, second, third] = gaps(arrivals('infobytaskid'));
		expect(first).toBeGreaterThanOrEqual(240);
		expect(first).toBeLessThan(750);
		expect(second).toBeGreaterThanOrEqual(490);
		expect(second).toBeLessThan(1_000 + 250);
		expect(third).toBeGreaterThanOrEqual(990);
		expect(third).toBeLessThan(2_000);
		// Nothing more is sent after giving up.
		await sleep(300);
		expect(emu().apiRequests('infobytaskid')).toHaveLength(4);
	});

	it('jitters the backoff: the wait depends on a random draw', async () => {
		const firstGap = async (draw: number) => {
			emu().reset();
			emu().inject('infobytaskid', { kind: 'http', status: 503 });
			const result = await withRandom(draw, async () => await run(emu(), generateAndWait()));
			expect(result.error).toBeUndefined();
			return gaps(arrivals('infobytaskid'))[0];
		};
		// The shorter of two tries: a stall can only lengthen a gap, and would hide the difference.
		const low = Math.min(await firstGap(0), await firstGap(0));
		const high = await firstGap(0.999);
		// 250 ms for the lowest draw, 500 ms for the highest (plus the time a request takes).
		expect(low).toBeGreaterThanOrEqual(240);
		expect(high).toBeGreaterThanOrEqual(490);
		expect(high - low).toBeGreaterThan(125);
	});

	it('honours Retry-After on a 429 from the status endpoint', async () => {
		emu().inject('infobytaskid', { kind: 'http', status: 429, retryAfter: '1' });
		const result = await run(emu(), generateAndWait());
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		// Without Retry-After the first wait would be at most 0.5 s.
		expect(gaps(arrivals('infobytaskid'))[0]).toBeGreaterThanOrEqual(990);
	});

	it('honours Retry-After given as an HTTP date on a 503 from the image origin', async () => {
		emu().inject('image', { kind: 'http', status: 503, retryAfter: new Date(Date.now() + 3_000).toUTCString() });
		const result = await run(emu(), generateAndWait());
		expect(result.error).toBeUndefined();
		expect(result.binaries[0].data.buffer.equals(emu().expectedImageBytes(result.items[0].json.taskId as string, 0))).toBe(true);
		// The date (one-second resolution) lies 2 to 3 s after the injection; the first backoff
		// would be at most 0.5 s.
		expect(gaps(arrivals('image'))[0]).toBeGreaterThanOrEqual(1_000);
	});

	it('reports at once instead of waiting for a Retry-After longer than a minute', async () => {
		emu().inject('infobytaskid', { kind: 'http', status: 429, retryAfter: '3600' });
		const started = Date.now();
		const result = await run(emu(), generateAndWait());
		expect(result.error?.message).toMatch(/^Could not get image task \S+: TensorsLab is rate limiting requests \(HTTP 429\)$/);
		expect(emu().apiRequests('infobytaskid')).toHaveLength(1);
		expect(Date.now() - started).toBeLessThan(5_000);
	});

	it('bounds download retries too, even when the server says to retry at once', async () => {
		emu().inject('image', { kind: 'http', status: 500, retryAfter: '0' }, Infinity);
		const result = await run(emu(), generateAndWait());
		expect(result.error?.message).toBe('Could not download the result image (HTTP 500)');
		expect(descriptionOf(result.error)).toContain('gave up after 4 attempts');
		expect(emu().imageRequests()).toHaveLength(4);
	});

	it('retries a delete on a connection reset and on a 5xx', async () => {
		emu().inject('deleteimagestask', { kind: 'reset' });
		emu().inject('deleteimagestask', { kind: 'http', status: 502, retryAfter: '0' });
		const submit = async () =>
			(await run(emu(), { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'a lighthouse' })).items[0].json.taskId as string;
		const ids = [await submit(), await submit()];
		const result = await run(emu(), { resource: 'task', operation: 'delete', taskIds: ids.join(', ') });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ deleted: true, taskIds: ids });
		expect(emu().apiRequests('deleteimagestask').map((r) => r.fault?.kind ?? 'none')).toEqual(['reset', 'http', 'none']);
	});
});

describe('cancellation is never retried', () => {
	it('does not repeat a status request that was in flight when the execution was cancelled', async () => {
		emu().inject('infobytaskid', { kind: 'hang' });
		const started = Date.now();
		const result = await run(emu(), generateAndWait(), { cancelAfterMs: 800 });
		expect(result.cancelled).toBe(true);
		// Without the cancel it would wait for the 180 s request timeout.
		expect(Date.now() - started).toBeLessThan(5_000);
		// A retry would follow within the first backoff (at most 0.5 s).
		await sleep(700);
		expect(emu().apiRequests('infobytaskid')).toHaveLength(1);
		expect(emu().imageRequests()).toHaveLength(0);
	});

	it('does not send again after a backoff wait that the cancel interrupted', async () => {
		emu().inject('infobytaskid', { kind: 'http', status: 503, retryAfter: '1' });
		const result = await run(emu(), generateAndWait(), { cancelAfterMs: 500 });
		expect(result.cancelled).toBe(true);
		const polls = emu().apiRequests('infobytaskid');
		expect(polls).toHaveLength(1);
		// The retry would have been sent 1 s after the 503.
		await sleep(Math.max(0, polls[0].time + 1_400 - Date.now()));
		expect(emu().apiRequests('infobytaskid')).toHaveLength(1);
	});

	it('does not repeat a generate request that was in flight when the execution was cancelled', async () => {
		emu().inject('generate', { kind: 'hang' });
		const result = await run(emu(), generateAndWait(), { cancelAfterMs: 400 });
		expect(result.cancelled).toBe(true);
		await sleep(700);
		expect(emu().apiRequests('generate')).toHaveLength(1);
	});
});

describe('generate is repeated only when it provably did not take effect', () => {
	it('retries a refused connection (Base URL on a closed port) a bounded number of times', async () => {
		const port = await freePort();
		const result = await withRandom(0, async () => await run(emu(), generateAndWait(), { credentials: { apiKey: SECRET_KEY, baseUrl: `http://127.0.0.1:${port}` } }));
		expect(result.error?.message).toBe('Could not connect to TensorsLab: the connection was refused');
		expect(descriptionOf(result.error)).toContain('gave up after 4 attempts');
		expect(descriptionOf(result.error)).not.toMatch(OUTCOME_UNKNOWN);
		expect(result.authenticatedRequests.filter((r) => String(r.url).endsWith('/v1/images/zimage'))).toHaveLength(4);
	});

	it('retries a refused connection and succeeds once the service is up, creating exactly one task', async () => {
		const port = await freePort();
		let late: Awaited<ReturnType<typeof startEmulator>> | undefined;
		// Up after the first attempt (normally within 0.2 s of the start) and before the fourth
		// (at least 1.75 s after the first).
		const starting = sleep(1_200).then(async () => {
			late = await startEmulator({ port, apiKey: SECRET_KEY, ...FAST });
		});
		try {
			const result = await run(emu(), generateAndWait(), { credentials: { apiKey: SECRET_KEY, baseUrl: `http://127.0.0.1:${port}` } });
			await starting;
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.status).toBe('completed');
			const attempts = result.authenticatedRequests.filter((r) => String(r.url).endsWith('/v1/images/zimage'));
			expect(attempts.length).toBeGreaterThanOrEqual(2);
			expect(late!.apiRequests('generate')).toHaveLength(1);
			expect(late!.tasks.size).toBe(1);
		} finally {
			await starting;
			await late?.close();
		}
	});

	it('retries a 429 burst on generate, honouring Retry-After, and creates exactly one task', async () => {
		emu().inject('generate', { kind: 'http', status: 429, retryAfter: '1' });
		emu().inject('generate', { kind: 'http', status: 429 });
		const result = await withRandom(0, async () => await run(emu(), generateAndWait()));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(emu().apiRequests('generate').map((r) => r.response?.status)).toEqual([429, 429, 200]);
		// Retry-After: 1 is waited for; the next 429 (without it) gets the ordinary backoff.
		const [afterRetryAfter, afterBackoff] = gaps(arrivals('generate'));
		expect(afterRetryAfter).toBeGreaterThanOrEqual(990);
		expect(afterBackoff).toBeGreaterThanOrEqual(490);
		expect(emu().tasks.size).toBe(1);
	});

	it.each([
		['HTTP 500', { kind: 'http', status: 500 }, 'TensorsLab could not process the request (HTTP 500)'],
		['HTTP 502', { kind: 'http', status: 502 }, 'TensorsLab could not process the request (HTTP 502)'],
		['HTTP 503 with Retry-After', { kind: 'http', status: 503, retryAfter: '0' }, 'TensorsLab could not process the request (HTTP 503)'],
		['HTTP 504', { kind: 'http', status: 504 }, 'TensorsLab could not process the request (HTTP 504)'],
		['a connection reset', { kind: 'reset' }, /^The connection to TensorsLab was interrupted \(ECONNRESET\)$/],
		['malformed JSON', { kind: 'malformedJson' }, 'TensorsLab sent an answer that is not valid JSON'],
		['a hung response', { kind: 'hang' }, 'TensorsLab did not answer within 1 second'],
	] as const)('fails with "outcome unknown" after %s, having sent generate exactly once', async (_name, fault, message) => {
		emu().inject('generate', fault as never);
		const result = await run(emu(), generateAndWait({}, { requestTimeout: 1 }));
		if (typeof message === 'string') expect(result.error?.message).toBe(message);
		else expect(result.error?.message).toMatch(message);
		expect(descriptionOf(result.error)).toMatch(OUTCOME_UNKNOWN);
		expect(descriptionOf(result.error)).toContain('Check your TensorsLab task list');
		expect((result.error as { outcomeUnknown?: boolean }).outcomeUnknown).toBe(true);
		// Retries happen before the error comes back, so one request now means one request ever.
		expect(emu().apiRequests('generate')).toHaveLength(1);
	});

	it('Generate (submit only) also sends a generate request once after a 5xx and says the outcome is unknown', async () => {
		emu().inject('generate', { kind: 'http', status: 503 });
		const result = await run(emu(), { resource: 'image', operation: 'generate', model: 'seedreamv45', prompt: 'p', options: {} });
		expect(result.error?.message).toBe('TensorsLab could not process the request (HTTP 503)');
		expect(descriptionOf(result.error)).toMatch(OUTCOME_UNKNOWN);
		expect(emu().apiRequests('generate')).toHaveLength(1);
	});

	it('Wait and Download never sends a generate request, whatever fails', async () => {
		emu().inject('infobytaskid', { kind: 'reset' });
		const result = await run(emu(), waitAndDownload('nope_0000'));
		expect(result.error?.message).toBe('Could not get image task nope_0000: TensorsLab refused the request: Task not found (code 9999)');
		expect(emu().apiRequests('generate')).toHaveLength(0);
		expect(emu().apiRequests('infobytaskid')).toHaveLength(2);
	});
});
