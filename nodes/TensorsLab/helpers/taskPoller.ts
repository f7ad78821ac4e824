/**
 * One polling loop for every task of an execution. Each waiting item registers its task; the
 * loop sleeps until the earliest task is due, asks about every due task at once, and settles the
 * ones that completed, failed or ran out of time. A new registration wakes the loop, so a task
 * added while the loop sleeps for a long one is still asked about on time.
 *
 * Tasks of one run are alike, so each completion is news about the others: their first polls are
 * staggered (see `staggerMs`), and when one task is seen completed, every other task that has not
 * been asked since it reached that age is asked as soon as it does.
 *
 * The loop knows nothing of HTTP: `fetchStatus` and `sleep` are given, so tests drive it directly.
 */
import type { TaskInfo } from './status';
import { MIN_POLL_MS, nextPollDelay, staggerMs } from './pollSchedule';

export type WaitOutcome =
	| { kind: 'completed'; info: TaskInfo; waitedMs: number; polls: number }
	| { kind: 'failed'; info: TaskInfo; waitedMs: number; polls: number }
	| { kind: 'timeout'; info?: TaskInfo; waitedMs: number; polls: number };

export interface TaskPollerDeps {
	fetchStatus: (taskId: string) => Promise<TaskInfo>;
	/** Sleeps, or rejects when `signal` aborts. */
	sleep: (ms: number, signal: AbortSignal) => Promise<void>;
	/** Aborts the whole loop (the execution's cancel signal). */
	signal?: AbortSignal;
	now?: () => number;
}

interface PendingTask {
	taskId: string;
	startedAt: number;
	deadline: number;
	dueAt: number;
	polls: number;
	/** Its age when the latest request answered "not yet" was sent (0 before the first). */
	lastPendingMs: number;
	userIntervalMs?: number;
	last?: TaskInfo;
	resolve: (outcome: WaitOutcome) => void;
	reject: (error: unknown) => void;
}

export class TaskPoller {
	private readonly pending = new Set<PendingTask>();

	private running = false;

	private wake = new AbortController();

	/** Tasks registered so far: picks each one's stagger. */
	private registered = 0;

	/** Age of each completed task of this run when the request that saw it completed was sent; their median predicts the others. */
	private readonly durations: number[] = [];

	private readonly now: () => number;

	constructor(private readonly deps: TaskPollerDeps) {
		this.now = deps.now ?? Date.now;
	}

	/** Waits for one task until it completes, fails, or `timeoutMs` passes. */
	async wait(taskId: string, options: { timeoutMs: number; pollIntervalMs?: number }): Promise<WaitOutcome> {
		const startedAt = this.now();
		return await new Promise<WaitOutcome>((resolve, reject) => {
			const task: PendingTask = {
				taskId,
				startedAt,
				deadline: startedAt + options.timeoutMs,
				dueAt: 0,
				polls: 0,
				lastPendingMs: 0,
				userIntervalMs: options.pollIntervalMs,
				resolve,
				reject,
			};
			task.dueAt = this.nextDue(task);
			// Stagger only while nothing is known: once a task of this run completed, the polls
			// aim at its duration instead.
			if (task.userIntervalMs === undefined && this.durations.length === 0) {
				task.dueAt = Math.min(task.dueAt + staggerMs(this.registered), task.deadline);
			}
			this.registered++;
			this.pending.add(task);
			this.wake.abort();
			if (!this.running) void this.loop();
		});
	}

	private expectedDurationMs(): number | undefined {
		if (this.durations.length === 0) return undefined;
		const sorted = [...this.durations].sort((a, b) => a - b);
		return sorted[Math.floor(sorted.length / 2)];
	}

	private nextDue(task: PendingTask): number {
		const now = this.now();
		const delay = nextPollDelay(now - task.startedAt, {
			userIntervalMs: task.userIntervalMs,
			expectedDurationMs: this.expectedDurationMs(),
		});
		// Never sleep past the deadline: the timeout is noticed on time.
		return Math.min(now + delay, task.deadline);
	}

	private settle(task: PendingTask, settle: () => void): void {
		this.pending.delete(task);
		settle();
	}

	private async loop(): Promise<void> {
		this.running = true;
		try {
			while (this.pending.size > 0) {
				if (this.deps.signal?.aborted) throw this.deps.signal.reason ?? new Error('cancelled');
				const earliest = Math.min(...[...this.pending].map((task) => task.dueAt));
				const waitMs = earliest - this.now();
				if (waitMs > 0) {
					this.wake = new AbortController();
					const signal = this.deps.signal ? AbortSignal.any([this.deps.signal, this.wake.signal]) : this.wake.signal;
					// A rejection means either cancel (checked at the top of the loop) or a wake-up by
					// a new registration (the earliest due time is then recomputed).
					await this.deps.sleep(waitMs, signal).catch(() => undefined);
					continue;
				}
				const due = [...this.pending].filter((task) => task.dueAt <= this.now());
				await Promise.all(due.map(async (task) => await this.poll(task)));
			}
		} catch (error) {
			for (const task of [...this.pending]) this.settle(task, () => task.reject(error));
		} finally {
			this.running = false;
		}
	}

	private async poll(task: PendingTask): Promise<void> {
		let info: TaskInfo;
		// Ages are taken when the request is sent: that is when a pulled-forward poll is due, so
		// the round trip does not creep into the expected duration from one wave to the next.
		const askedMs = this.now() - task.startedAt;
		try {
			task.polls++;
			info = await this.deps.fetchStatus(task.taskId);
		} catch (error) {
			this.settle(task, () => task.reject(error));
			return;
		}
		task.last = info;
		const waitedMs = this.now() - task.startedAt;
		if (info.status === 'completed') {
			this.durations.push(askedMs);
			this.settle(task, () => task.resolve({ kind: 'completed', info, waitedMs, polls: task.polls }));
			this.pullForward();
		} else if (info.status === 'failed') {
			this.settle(task, () => task.resolve({ kind: 'failed', info, waitedMs, polls: task.polls }));
		} else if (this.now() >= task.deadline) {
			this.settle(task, () => task.resolve({ kind: 'timeout', info, waitedMs, polls: task.polls }));
		} else {
			// Queued, processing, or a status value we do not know: still running.
			task.lastPendingMs = askedMs;
			task.dueAt = this.nextDue(task);
		}
	}

	/**
	 * A task just completed: every other task not asked about since it reached the expected
	 * duration is asked when it does (at once if it is already older), instead of at its next
	 * scheduled poll. A task asked once past that age is left to its schedule, so each completion
	 * adds at most one request per other task, and usually none: the pulled-forward poll replaces
	 * the one that would have noticed the completion later.
	 */
	private pullForward(): void {
		const expected = this.expectedDurationMs();
		if (expected === undefined) return;
		const now = this.now();
		for (const other of this.pending) {
			if (other.userIntervalMs !== undefined || other.lastPendingMs >= expected) continue;
			// Never sooner than MIN_POLL_MS / 5 after its own latest request, as nextPollDelay.
			const earliest = Math.max(now, other.startedAt + expected, other.startedAt + other.lastPendingMs + MIN_POLL_MS / 5);
			other.dueAt = Math.min(other.dueAt, earliest, other.deadline);
		}
	}
}
