/**
 * What the tasks of one run have shown so far of how long such a task takes, for the poller to
 * aim its requests. Pure, so unit tests and the benchmark can check it directly.
 *
 * Every answer brackets its task's duration: a "not yet" sent at age a says it is longer than a,
 * a "completed" sent at age b says it is at most b. Tasks of one run are alike (same model, same
 * settings), so the median age the latest completions were seen at (`upperMs`) and the longest
 * "not yet" age below it (`lowerMs`) bracket the duration of the next task too. The bracket is as wide as the gap
 * between two polls at first (0.75 s for image tasks); each task that starts later is asked once
 * at its own point inside the bracket (`aimMs`, spread by the task's fraction), so every wave of
 * tasks narrows it for the next: its answers move `lowerMs` up and, as they become the latest
 * completions, `upperMs` down. Aiming at the top alone, as the median of all completion ages did,
 * made every later task carry the lag of the first wave's polls.
 *
 * Nothing here assumes the tasks really are alike: a task asked too early answers "not yet" and
 * is asked again at `upperMs` (as soon as SHORT_RETRY_MS after the probe), then follows its
 * schedule. A probe costs at most one request per task and adds no lag, since it comes at least
 * SHORT_RETRY_MS before the request that aiming at `upperMs` would send.
 */
import { SHORT_RETRY_MS } from './pollSchedule';

/**
 * The top of the bracket is the median completion age of this many latest completions: robust
 * where durations differ (a lucky fast task does not pull every other task early), and it still
 * follows the bracket down as each wave's probes find the duration closer.
 */
const RECENT_COMPLETIONS = 10;

export class DurationEstimate {
	/** Ages at which requests that saw their task completed were sent, oldest first. */
	private readonly doneAges: number[] = [];

	/** Ages at which requests that answered "not yet" were sent (all of them: `upperMs` may drop below any). */
	private readonly pendingAges: number[] = [];

	private upper: number | undefined;

	private lower: number | undefined;

	private spread = 0;

	/** How many tasks of the run have completed. */
	get completions(): number {
		return this.doneAges.length;
	}

	recordCompleted(ageMs: number): void {
		this.doneAges.push(ageMs);
		const recent = this.doneAges.slice(-RECENT_COMPLETIONS).sort((x, y) => x - y);
		this.upper = recent[Math.floor((recent.length - 1) / 2)];
		this.spread = recent[Math.floor(((recent.length - 1) * 3) / 4)] - recent[Math.floor((recent.length - 1) / 4)];
		// Only here is the whole list read: once per completion.
		this.lower = undefined;
		for (const age of this.pendingAges) this.raiseLower(age);
	}

	recordNotYet(ageMs: number): void {
		this.pendingAges.push(ageMs);
		this.raiseLower(ageMs);
	}

	private raiseLower(ageMs: number): void {
		if (this.upper !== undefined && ageMs < this.upper && (this.lower === undefined || ageMs > this.lower)) this.lower = ageMs;
	}

	/** The median age the latest completions were seen at (see RECENT_COMPLETIONS), or undefined before any. */
	get upperMs(): number | undefined {
		return this.upper;
	}

	/**
	 * How far apart the latest completion ages lie (between their first and third quartile): a few
	 * milliseconds when the tasks really are alike, a good part of the duration when they are not.
	 */
	get spreadMs(): number {
		return this.spread;
	}

	/** The longest age below `upperMs` at which a task still answered "not yet", or undefined. */
	get lowerMs(): number | undefined {
		return this.lower;
	}

	/**
	 * The age at which a task should next be asked, or undefined while no task has completed.
	 * A task not yet probed (`probed` false) whose last "not yet" came before the bracket is asked
	 * inside it, at `fraction` (0–1) of the part from `lowerMs` to SHORT_RETRY_MS below the top;
	 * otherwise (or when that part is empty) at the top, `upperMs`.
	 */
	aimMs(lastPendingMs: number, fraction: number, probed: boolean): number | undefined {
		const { upper, lower } = this;
		if (upper === undefined) return undefined;
		if (probed || lower === undefined || lastPendingMs > lower) return upper;
		const width = upper - SHORT_RETRY_MS - lower;
		if (width < 1) return upper;
		// At least 1 ms above the "not yet": asking at that very age again would tell nothing.
		return lower + Math.max(1, width * fraction);
	}
}
