/**
 * Local emulator of the TensorsLab Image API (dev only: unit tests, e2e tests against a real n8n,
 * the benchmark, and trying the node without spending credits). See README.md in this folder.
 *
 * Two real HTTP servers on loopback:
 *  - the API origin (`url`): POST /v1/images/{seedreamv45,seedreamv5,seedreamv4,zimage}, the
 *    undocumented /v1/images/quickedit, the test-only /v1/images/seedreamv6,
 *    /v1/images/infobytaskid, /v1/images/deleteimagestask, plus unauthenticated control endpoints
 *    under /__emulator/ for out-of-process use;
 *  - the image origin (`imageOrigin`, a different port and therefore a different origin):
 *    GET /images/<taskid>/<index>.png serving real, deterministic PNG files.
 *
 * Source: the API as described in docs/tensorslab-api.md (in the code, "the reference" is
 * TensorsLab's published API reference, the primary source, and "the notes" the secondary notes
 * on the API). Where they are silent, the choice made here is written next to the code as
 * "CHOICE:". The emulator is deliberately strict (unknown or repeated parameters are refused) so
 * that tests catch a node that sends what it should not; the real service may be more lenient.
 *
 * Only Node built-ins and web globals (Response/FormData/File) are used.
 *
 * One idea per file; the list is in README.md ("Layout"). This file is the public API.
 */
import { expectedImageBytes as pngExpectedBytes } from './png';
import type { ImageSpec } from './png';
import { TensorsLabEmulator } from './server';
import type { EmulatorOptions } from './settings';
import type { Emulator } from './handle';

export { crc32, encodePng, imageColour, parsePng, PNG_SIGNATURE } from './png';
export type { ImageSpec, ParsedPng } from './png';

export { DEFAULT_API_KEY, DEFAULT_NO_CREDITS_KEY } from './settings';
export type { EmulatorOptions, EmulatorSettings } from './settings';
export { GENERATE_ENDPOINTS } from './types';
export type { Emulator } from './handle';
export type { EndpointName, GenerateEndpoint, RecordedFile, RecordedRequest } from './types';
export { validateFault } from './faults';
export type { Fault, FaultKind, FaultTarget, QueuedFault } from './faults';
export { EmulatedTask, peakTasksInFlight } from './tasks';
export { EmulatedVideoTask } from './video';
export { SAMPLE_MP4, expectedVideoBytes, parseBoxes } from './mp4';
export { VIDEO_ENDPOINTS } from './types';
export type { VideoEndpoint } from './types';
export type { TaskFileInfo } from './tasks';
export { serializeRecord } from './control';

/** Start both servers; resolves once they listen. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const emu = new TensorsLabEmulator(options);
	await emu.listen();
	return emu;
}

/** Exact bytes of image `index` of `taskid` for given image settings (default 64x64, no padding). */
export function expectedImageBytes(taskid: string, index: number, spec?: ImageSpec): Buffer {
	return pngExpectedBytes(taskid, index, spec);
}
