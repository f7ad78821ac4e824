/**
 * When to ask about a task next. Pure, so the benchmark and unit tests can check the figures.
 *
 * The interval grows with the time the task has already run (40 % of it), between half a second
 * and ten seconds: a 5 s task is noticed within about a second, a 60 s task costs fifteen status
 * requests instead of the sixty a fixed 1 s interval would. (Growing slower notices sooner but
 * costs more requests; 40 % is where a 60 s task stays within fifteen.) Once another
 * task of the same run has completed, its duration is the best guess for this one, so the next
 * poll is also pulled forward to that moment.
 */
export const MIN_POLL_MS = 500;
export const MAX_POLL_MS = 10_000;
const GROWTH = 0.4;

export function nextPollDelay(elapsedMs: number, options: { userIntervalMs?: number; expectedDurationMs?: number } = {}): number {
	if (options.userIntervalMs !== undefined && options.userIntervalMs > 0) return options.userIntervalMs;
	let delay = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, elapsedMs * GROWTH));
	const expected = options.expectedDurationMs;
	if (expected !== undefined && expected > elapsedMs) {
		delay = Math.min(delay, Math.max(MIN_POLL_MS / 5, expected - elapsedMs));
	}
	return Math.round(delay);
}
