/**
 * When to ask about a task next. Pure, so the benchmark and unit tests can check the figures.
 *
 * The interval grows with the time the task has already run (40 % of it), between half a second
 * and ten seconds: a 5 s task is noticed within about a second, a 60 s task costs fifteen status
 * requests instead of the sixty a fixed 1 s interval would. (Growing slower notices sooner but
 * costs more requests; 40 % is where a 60 s task stays within fifteen.) Once another
 * task of the same run has completed, its duration is the best guess for this one, so the next
 * poll is also pulled forward to that moment.
 *
 * Tasks submitted together would otherwise all be asked at the same instants, so the group would
 * notice a completion no sooner than a single task does. `staggerMs` shifts each task's schedule
 * by a different fraction of the first interval: within a group the polls then fall at spread-out
 * moments of every interval (the map elapsed → elapsed + delay keeps each shifted schedule between
 * two consecutive polls of the unshifted one), at no extra request per task. The first task of a
 * group to see its task completed pulls the others forward (see TaskPoller), so the group notices
 * a completion sooner than one task alone would (ten 5 s tasks: within 0.1 s instead of 0.8 s).
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

/** 0.618…: consecutive multiples modulo 1 spread evenly over [0, 1) for any group size. */
const GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;

/** Extra delay of the first poll of the `index`-th task registered in a run: 0 for the first. */
export function staggerMs(index: number): number {
	return Math.round(MIN_POLL_MS * ((index * GOLDEN_FRACTION) % 1));
}
