/**
 * The `Emulator` handle that `startEmulator` resolves to: what tests and scripts use. Apart from
 * types.ts (endpoint names and the request log), which the emulator's own parts import.
 */
import type { EventEmitter } from 'node:events';

import type { Fault } from './faultKinds';
import type { FaultTarget, QueuedFault } from './faults';
import type { EmulatorOptions, EmulatorSettings } from './settings';
import type { EmulatedTask } from './tasks';
import type { RecordedRequest } from './types';
import type { EmulatedVideoTask } from './video';

export interface Emulator {
	/** API base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
	readonly url: string;
	/** Image origin, e.g. http://127.0.0.1:41235 (no trailing slash). */
	readonly imageOrigin: string;
	readonly apiKey: string;
	readonly noCreditsKey: string;
	/** Current settings; change them with configure(). */
	readonly options: Readonly<EmulatorSettings>;
	configure(patch: Partial<EmulatorOptions>): void;
	/** Every request to BOTH origins, in arrival order (control requests excluded). */
	readonly log: RecordedRequest[];
	apiRequests(endpoint?: FaultTarget): RecordedRequest[];
	imageRequests(): RecordedRequest[];
	clearLog(): void;
	inject(target: FaultTarget, fault: Fault, times?: number): void;
	clearFaults(): void;
	/** Queued faults (inspection). Addition to the brief. */
	readonly faults: readonly QueuedFault[];
	/** Clear log, faults, tasks; credits back to the option. Settings are kept. */
	reset(): void;
	readonly tasks: Map<string, EmulatedTask>;
	/** Video tasks, by task ID (a separate table: the video endpoints never see image tasks). */
	readonly videoTasks: Map<string, EmulatedVideoTask>;
	/** Exact bytes the file origin serves as the video of `taskid`. */
	expectedVideoBytes(taskid: string): Buffer;
	/** Every task not yet finished becomes finished (3, or 4 with failTask) now. */
	completeAllNow(): void;
	/** Remaining credits of apiKey (null = unlimited). Addition to the brief. */
	readonly creditsLeft: number | null;
	/** Exact bytes the image origin serves for image `index` of `taskid`. Addition to the brief. */
	expectedImageBytes(taskid: string, index: number): Buffer;
	/** Emits 'request' (RecordedRequest) when an answer was sent or the request ended. Addition. */
	readonly events: EventEmitter;
	close(): Promise<void>;
}
