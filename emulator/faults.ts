/**
 * Fault injection: the fault kinds, which endpoints a fault can target, validation of an
 * injection (`inject()` and POST /__emulator/faults), and the queue requests take faults from.
 * How a fault acts is where it acts: transport faults in server.ts and image-origin.ts, behaviour
 * faults in api.ts (generate, status) and tasks.ts (the completed task's url[] and images).
 */
import { isGenerate, isVideoGenerate } from './types';
import type { Fault, FaultKind } from './faultKinds';
import type { EndpointName, RecordedRequest } from './types';

export type { Fault, FaultKind } from './faultKinds';

export type FaultTarget = EndpointName | 'generate' | '*';

export interface QueuedFault {
	target: FaultTarget;
	fault: Fault;
	/** How many more matching requests it applies to (Infinity = until cleared). */
	remaining: number;
}

const TRANSPORT_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['http', 'reset', 'hang', 'slow', 'malformedJson', 'redirect']);
const GENERATE_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['failTask', 'emptyUrls', 'imageNotFound', 'badScheme', 'outOfCredits']);
const STATUS_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['unknownStatus', 'omitField']);
const FAULT_TARGETS: ReadonlySet<string> = new Set<string>([
	'seedreamv45', 'seedreamv5', 'seedreamv4', 'zimage', 'infobytaskid', 'deleteimagestask', 'image', 'generate', '*',
	'seedancev2', 'seedancev15pro', 'seedancev1profast', 'videoinfobytaskid', 'deletevideotask', 'video',
]);

/** Does a fault queued for `target` match a request to `endpoint`? '*' matches every non-control request of both origins. */
export function targetMatches(target: FaultTarget, endpoint: RecordedRequest['endpoint']): boolean {
	if (endpoint === 'control') return false;
	if (target === '*') return true;
	// 'generate' covers the image and the video generate endpoints.
	if (target === 'generate') return isGenerate(endpoint) || isVideoGenerate(endpoint);
	return target === endpoint;
}

/** Can a fault of this kind take effect on this endpoint at all? */
function kindApplies(kind: FaultKind, endpoint: RecordedRequest['endpoint']): boolean {
	if (TRANSPORT_FAULTS.has(kind)) return true;
	if (GENERATE_FAULTS.has(kind)) return isGenerate(endpoint) || isVideoGenerate(endpoint);
	if (STATUS_FAULTS.has(kind)) return endpoint === 'infobytaskid' || endpoint === 'videoinfobytaskid';
	return false;
}

/** Validate a fault (used by inject() and the control endpoint); throws with a clear message. */
export function validateFault(target: unknown, fault: unknown): asserts fault is Fault {
	if (typeof target !== 'string' || !FAULT_TARGETS.has(target)) throw new Error(`Unknown fault target ${JSON.stringify(target)}`);
	if (!fault || typeof fault !== 'object') throw new Error('fault must be an object with a kind');
	const f = fault as Record<string, unknown>;
	const kind = f.kind as FaultKind;
	const num = (k: string, optional: boolean) => {
		const v = f[k];
		if (v === undefined && optional) return;
		if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`fault.${k} must be a number`);
	};
	const str = (k: string, optional: boolean) => {
		const v = f[k];
		if (v === undefined && optional) return;
		if (typeof v !== 'string') throw new Error(`fault.${k} must be a string`);
	};
	switch (kind) {
		case 'http':
			num('status', false);
			if ((f.status as number) < 100 || (f.status as number) > 599) throw new Error('fault.status must be 100..599');
			str('retryAfter', true);
			str('body', true);
			break;
		case 'slow':
			num('delayMs', false);
			break;
		case 'redirect':
			str('location', false);
			num('status', true);
			break;
		case 'failTask':
			str('message', true);
			break;
		case 'unknownStatus':
			num('value', false);
			num('forMs', true);
			break;
		case 'badScheme':
			str('scheme', true);
			break;
		case 'omitField':
			str('field', false);
			break;
		case 'reset':
		case 'hang':
		case 'malformedJson':
		case 'emptyUrls':
		case 'imageNotFound':
		case 'outOfCredits':
			break;
		default:
			throw new Error(`Unknown fault kind ${JSON.stringify(f.kind)}`);
	}
	const t = target as FaultTarget;
	const possible = t === '*' ? true : t === 'generate' ? !STATUS_FAULTS.has(kind) : kindApplies(kind, t);
	if (!possible) throw new Error(`Fault kind '${kind}' can never apply to target '${t}'`);
}

/**
 * The queued faults, in injection order.
 *
 * CHOICE (fault order): each request consumes at most one fault, the first queued entry whose
 * target matches and whose kind can apply to the endpoint. Transport faults (http, reset, hang,
 * slow, malformedJson, redirect) are taken on arrival, BEFORE auth, so e.g. a 5xx burst hits any
 * request. Behaviour faults (failTask, emptyUrls, imageNotFound, badScheme, outOfCredits on
 * generate; unknownStatus and omitField on infobytaskid) are taken when they take effect: for generate once
 * auth and validation passed (a refused request leaves them queued for the next one); for
 * infobytaskid when a found task's status is reported.
 */
export class FaultQueue {
	private queue: QueuedFault[] = [];

	get length(): number {
		return this.queue.length;
	}

	/** Copies of the queued entries (inspection). */
	list(): QueuedFault[] {
		return this.queue.map((f) => ({ ...f }));
	}

	/** Queue `fault` for the next `times` matching requests (Infinity = until cleared). */
	add(target: FaultTarget, fault: Fault, times = 1): void {
		validateFault(target, fault);
		if (!(times === Infinity || (Number.isInteger(times) && times >= 0))) throw new Error('times must be a non-negative integer or Infinity');
		if (times === 0) return;
		this.queue.push({ target, fault: { ...fault }, remaining: times });
	}

	clear(): void {
		this.queue = [];
	}

	takeTransportFault(endpoint: RecordedRequest['endpoint']): Fault | undefined {
		const q = this.firstApplicable(endpoint);
		return q && TRANSPORT_FAULTS.has(q.fault.kind) ? this.consume(q) : undefined;
	}

	/** `kind`: take only a fault of this kind (a status answer takes unknownStatus and omitField separately). */
	takeBehaviourFault(endpoint: RecordedRequest['endpoint'], kind?: FaultKind): Fault | undefined {
		const q = this.firstApplicable(endpoint, kind);
		return q && !TRANSPORT_FAULTS.has(q.fault.kind) ? this.consume(q) : undefined;
	}

	/** First queued fault whose target matches and whose kind can apply to this endpoint (and is `kind`, if given). */
	private firstApplicable(endpoint: RecordedRequest['endpoint'], kind?: FaultKind): QueuedFault | undefined {
		return this.queue.find((q) => targetMatches(q.target, endpoint) && kindApplies(q.fault.kind, endpoint) && (kind === undefined || q.fault.kind === kind));
	}

	private consume(q: QueuedFault): Fault {
		q.remaining -= 1;
		if (q.remaining <= 0) this.queue = this.queue.filter((x) => x !== q);
		return q.fault;
	}
}

/** A task whose reported status a fault may change: its real status, and an override in force. */
export interface StatusReporting {
	statusAt(now: number): number;
	statusOverride?: { value: number; until: number };
}

/**
 * The status a status endpoint reports for a task: its real one, unless an `unknownStatus` fault
 * says otherwise. CHOICE: with forMs, the task keeps reporting `value` for that long (one fault
 * use); without it, only this one answer is affected.
 */
export function reportedStatus(task: StatusReporting, queue: FaultQueue, endpoint: RecordedRequest['endpoint'], now: number): number {
	if (task.statusOverride && now < task.statusOverride.until) return task.statusOverride.value;
	task.statusOverride = undefined;
	const fault = queue.takeBehaviourFault(endpoint, 'unknownStatus');
	if (fault?.kind !== 'unknownStatus') return task.statusAt(now);
	if (fault.forMs !== undefined) task.statusOverride = { value: fault.value, until: now + fault.forMs };
	return fault.value;
}
