/**
 * One polling loop for every task of an execution. Each waiting item registers its task; the
 * loop sleeps until the earliest task is due, starts a status request for every due task, and
 * settles the ones that completed, failed or ran out of time. Requests run side by side and the
 * loop never waits for one: a status request that hangs delays no other task, and a task's
 * Timeout holds whatever its requests do: the moment a task is settled (completed, failed, timed
 * out, cancelled) its request still out is aborted, so nothing of it outlives its outcome. A
 * registration or an answer wakes the loop.
 *
 * Tasks of one run are alike, so each answer is news about the others: their first polls are
 * staggered (see `staggerMs`); once one task is seen completed, every other task that has not
 * been asked since it reached that age is asked as soon as it does, and tasks that start later
 * are asked at the run's bracket of the duration (see DurationEstimate), which every wave narrows.
 *
 * The loop knows nothing of HTTP: `fetchStatus` and `sleep` are given, so tests drive it directly.
 */
import { sleep } from 'n8n-workflow';

import { DurationEstimate } from './durationEstimate';
import type { TaskInfo } from './status';
import { FLOOR_POLL_MS, LONG_TASK_SCHEDULE, SHORT_RETRY_MS, nextPollDelay, spreadFraction, staggerMs, type PollSchedule } from './pollSchedule';

export type WaitOutcome =
	| { kind: 'completed'; info: TaskInfo; waitedMs: number; polls: number }
	| { kind: 'failed'; info: TaskInfo; waitedMs: number; polls: number }
	| { kind: 'timeout'; info?: TaskInfo; waitedMs: number; polls: number };

/** What a status request is given: the item it serves, and a signal that aborts when its task is settled. */
interface PollRequest {
	itemIndex: number;
	signal: AbortSignal;
}

interface TaskPollerDeps {
	fetchStatus: (taskId: string, request: PollRequest) => Promise<TaskInfo>;
	/** Sleeps, or rejects when `signal` aborts. */
	sleep: (ms: number, signal: AbortSignal) => Promise<void>;
	/** Aborts the whole loop (the execution's cancel signal). */
	signal?: AbortSignal;
	now?: () => number;
	/** The kind's adaptive schedule (taskKinds.ts, `poll`); the long-task one if not given. */
	schedule?: PollSchedule;
}

/**
 * A status request still out when its task's Timeout passes gets this much longer (at most 10 %
 * of the Timeout) before the task times out without it: the last poll is due at the deadline, and
 * its answer should count if it is quick.
 */
const LAST_ANSWER_GRACE_MS = 500;

interface PendingTask {
	taskId: string;
	itemIndex: number;
	/** Aborts the status request still out, if any. */
	abortPoll?: () => void;
	startedAt: number;
	deadline: number;
	/** When a poll still out at the deadline stops being waited for. */
	hardDeadline: number;
	dueAt: number;
	polls: number;
	inFlight: boolean;
	/** Its age when the latest request answered "not yet" was sent (0 before the first). */
	lastPendingMs: number;
	/** Where inside the run's bracket of the duration it is asked first (0–1, spread over the tasks). */
	probeFraction: number;
	/** Whether it has been asked inside that bracket (once is enough: later it is asked at its top). */
	probed: boolean;
	userIntervalMs?: number;
	last?: TaskInfo;
	resolve: (outcome: WaitOutcome) => void;
	reject: (error: unknown) => void;
}

/** Lets answers that are already there (a test's instant fake) land before the clock moves on. */
const settleReadyAnswers = async () => await sleep(0);

export class TaskPoller {
	private readonly pending = new Set<PendingTask>();

	private running = false;

	private wake = new AbortController();

	/** Tasks registered so far: picks each one's stagger. */
	private registered = 0;

	/** What the answers so far say of this run's task duration. */
	private readonly estimate = new DurationEstimate();

	private readonly now: () => number;

	private readonly schedule: PollSchedule;

	constructor(private readonly deps: TaskPollerDeps) {
		this.now = deps.now ?? Date.now;
		this.schedule = deps.schedule ?? LONG_TASK_SCHEDULE;
	}

	/** Waits for one task until it completes, fails, or `timeoutMs` passes. */
	async wait(taskId: string, options: { timeoutMs: number; pollIntervalMs?: number; itemIndex?: number }): Promise<WaitOutcome> {
		const startedAt = this.now();
		return await new Promise<WaitOutcome>((resolve, reject) => {
			const deadline = startedAt + options.timeoutMs;
			const task: PendingTask = {
				taskId,
				itemIndex: options.itemIndex ?? 0,
				startedAt,
				deadline,
				hardDeadline: deadline + Math.min(LAST_ANSWER_GRACE_MS, options.timeoutMs / 10),
				dueAt: 0,
				polls: 0,
				inFlight: false,
				lastPendingMs: 0,
				probeFraction: spreadFraction(this.registered),
				probed: false,
				userIntervalMs: options.pollIntervalMs,
				resolve,
				reject,
			};
			task.dueAt = this.nextDue(task);
			// Stagger only while nothing is known: once a task of this run completed, the polls
			// aim at its duration instead.
			if (task.userIntervalMs === undefined && this.estimate.completions === 0) {
				task.dueAt = Math.min(task.dueAt + staggerMs(this.registered, this.schedule), task.deadline);
			}
			this.registered++;
			this.pending.add(task);
			this.wake.abort();
			if (!this.running) void this.loop();
		});
	}

	/** The age at which this task is best asked next, from what its siblings showed (or undefined). */
	private aimMs(task: PendingTask): number | undefined {
		return this.estimate.aimMs(task.lastPendingMs, task.probeFraction, task.probed);
	}

	/** After its probe said "not yet", a task may be asked at the bracket's top this soon. */
	private floorMs(task: PendingTask): number {
		return task.probed ? SHORT_RETRY_MS : FLOOR_POLL_MS;
	}

	private nextDue(task: PendingTask, missedExpected = false): number {
		const now = this.now();
		const aim = this.aimMs(task);
		const delay = nextPollDelay(now - task.startedAt, {
			schedule: this.schedule,
			userIntervalMs: task.userIntervalMs,
			expectedDurationMs: aim,
			missedExpected,
			floorMs: this.floorMs(task),
			spreadMs: this.estimate.spreadMs,
		});
		// Never sleep past the deadline: the timeout is noticed on time.
		return Math.min(now + delay, task.deadline);
	}

	private settle(task: PendingTask, settle: () => void): void {
		this.pending.delete(task);
		// Its outcome is decided: a request still out (and its retries) is not wanted any more.
		task.abortPoll?.();
		settle();
	}

	private timeOut(task: PendingTask): void {
		const outcome: WaitOutcome = { kind: 'timeout', info: task.last, waitedMs: this.now() - task.startedAt, polls: task.polls };
		this.settle(task, () => task.resolve(outcome));
	}

	private async loop(): Promise<void> {
		this.running = true;
		try {
			while (this.pending.size > 0) {
				if (this.deps.signal?.aborted) throw this.deps.signal.reason ?? new Error('cancelled');
				// Renewed before looking at the tasks, so an answer or a registration from now on
				// cuts the coming sleep short.
				this.wake = new AbortController();
				let now = this.now();
				for (const task of [...this.pending]) {
					if (task.inFlight && now >= task.hardDeadline) this.timeOut(task);
					else if (!task.inFlight && task.dueAt <= now) this.startPoll(task);
				}
				if ([...this.pending].some((task) => task.inFlight)) {
					await settleReadyAnswers();
					if (this.wake.signal.aborted) continue;
				}
				if (this.pending.size === 0) break;
				now = this.now();
				const next = Math.min(...[...this.pending].map((task) => (task.inFlight ? task.hardDeadline : task.dueAt)));
				if (next > now) {
					const signal = this.deps.signal ? AbortSignal.any([this.deps.signal, this.wake.signal]) : this.wake.signal;
					// A rejection means either cancel (checked at the top of the loop) or a wake-up.
					await this.deps.sleep(next - now, signal).catch(() => undefined);
				}
			}
		} catch (error) {
			for (const task of [...this.pending]) this.settle(task, () => task.reject(error));
		} finally {
			this.running = false;
		}
	}

	private startPoll(task: PendingTask): void {
		task.inFlight = true;
		task.polls++;
		// Ages are taken when the request is sent: that is when a pulled-forward poll is due, so
		// the round trip does not creep into the expected duration from one wave to the next.
		const askedMs = this.now() - task.startedAt;
		// A request inside the run's bracket is this task's probe: it is not asked inside it again.
		const { lowerMs, upperMs } = this.estimate;
		if (lowerMs !== undefined && upperMs !== undefined && askedMs > lowerMs && askedMs < upperMs) task.probed = true;
		const request = new AbortController();
		task.abortPoll = () => request.abort();
		const signal = this.deps.signal ? AbortSignal.any([this.deps.signal, request.signal]) : request.signal;
		this.deps.fetchStatus(task.taskId, { itemIndex: task.itemIndex, signal }).then(
			(info) => this.answered(task, info, askedMs),
			(error: unknown) => {
				if (this.pending.has(task)) this.settle(task, () => task.reject(error));
			},
		).finally(() => {
			task.inFlight = false;
			task.abortPoll = undefined;
			this.wake.abort();
		});
	}

	private answered(task: PendingTask, info: TaskInfo, askedMs: number): void {
		// Timed out (or cancelled) while this answer was on its way.
		if (!this.pending.has(task)) return;
		task.last = info;
		const waitedMs = this.now() - task.startedAt;
		if (info.status === 'completed') {
			this.estimate.recordCompleted(askedMs);
			this.settle(task, () => task.resolve({ kind: 'completed', info, waitedMs, polls: task.polls }));
			this.pullForward();
		} else if (info.status === 'failed') {
			this.settle(task, () => task.resolve({ kind: 'failed', info, waitedMs, polls: task.polls }));
		} else if (this.now() >= task.deadline) {
			this.timeOut(task);
		} else {
			// Queued, processing, or a status value we do not know: still running.
			// The first "not yet" at or past the top of the run's bracket (two or more completions:
			// one says nothing of how alike the tasks are) is most likely a moment early (submit
			// latency differs from task to task): asked again shortly.
			const upper = this.estimate.upperMs;
			const missedExpected = upper !== undefined && this.estimate.completions >= 2 && askedMs >= upper && task.lastPendingMs < upper;
			this.estimate.recordNotYet(askedMs);
			task.lastPendingMs = askedMs;
			task.dueAt = this.nextDue(task, missedExpected);
		}
	}

	/**
	 * A task just completed: every other task not asked about since the age it is best asked at
	 * (its probe inside the bracket, or the bracket's top) is asked when it reaches it
	 * (at once if it is already older), instead of at its next scheduled poll. A task asked once
	 * past that age is left to its schedule, so each completion adds at most one request per other
	 * task, and usually none: the pulled-forward poll replaces the one that would have noticed the
	 * completion later.
	 */
	private pullForward(): void {
		const now = this.now();
		for (const other of this.pending) {
			const aim = this.aimMs(other);
			if (aim === undefined || other.userIntervalMs !== undefined || other.lastPendingMs >= aim) continue;
			// Never sooner than FLOOR_POLL_MS after its own latest request (SHORT_RETRY_MS after its probe), as nextPollDelay.
			const earliest = Math.max(now, other.startedAt + aim, other.startedAt + other.lastPendingMs + this.floorMs(other));
			other.dueAt = Math.min(other.dueAt, earliest, other.deadline);
		}
	}
}
