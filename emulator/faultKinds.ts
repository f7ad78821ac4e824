/**
 * The faults the emulator can inject, as data: what each kind carries. A file of its own, with no
 * imports, so that the request log (types.ts) can name a request's fault without importing the
 * fault queue (faults.ts), which reads the log's types.
 */
export type Fault =
	| { kind: 'http'; status: number; retryAfter?: string; body?: string }
	| { kind: 'reset' }
	| { kind: 'hang' }
	| { kind: 'slow'; delayMs: number; trickle?: boolean }
	| { kind: 'malformedJson' }
	| { kind: 'redirect'; location: string; status?: number }
	| { kind: 'failTask'; message?: string }
	| { kind: 'unknownStatus'; value: number; forMs?: number }
	/** The status answer leaves out one field of its `data` (a field TensorsLab might drop). */
	| { kind: 'omitField'; field: string }
	| { kind: 'emptyUrls' }
	| { kind: 'imageNotFound' }
	| { kind: 'badScheme'; scheme?: string }
	| { kind: 'outOfCredits' };

export type FaultKind = Fault['kind'];
