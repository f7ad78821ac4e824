/**
 * The image origin: GET|HEAD /images/<taskid>/<index>.png, no auth. Serves the real PNG file of a
 * completed, live task (png.ts), and for video tasks /videos/<taskid>.mp4 (mp4.ts) and
 * /videos/<taskid>/last-frame.png, streamed with back-pressure; `slow` delays it, or with `trickle`
 * spreads the body over the delay.
 */
import type { EventEmitter } from 'node:events';
import type * as http from 'node:http';

import { readBody } from './body';
import type { Fault, FaultQueue } from './faults';
import { planVideo, videoPieces } from './mp4';
import { imagePieces, planImage } from './png';
import type { Reply } from './replies';
import type { EmulatedTask } from './tasks';
import type { RecordedRequest } from './types';
import type { EmulatedVideoTask } from './video';

/** What the image origin needs of the emulator's servers (see server.ts). */
export interface ImageOriginHost {
	readonly closed: boolean;
	readonly tasks: Map<string, EmulatedTask>;
	readonly videoTasks: Map<string, EmulatedVideoTask>;
	readonly faultQueue: FaultQueue;
	readonly events: EventEmitter;
	record(origin: 'api' | 'images', req: http.IncomingMessage, path: string): RecordedRequest;
	applyTransportFault(req: http.IncomingMessage, res: http.ServerResponse, rec: RecordedRequest, fault: Fault): boolean;
	delay(ms: number): Promise<void>;
	drained(res: http.ServerResponse): Promise<void>;
	send(res: http.ServerResponse, rec: RecordedRequest, reply: Reply): void;
}

export async function onImageRequest(host: ImageOriginHost, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const path = new URL(req.url ?? '/', 'http://x').pathname;
	const rec = host.record('images', req, path);
	// Every request to this origin counts as endpoint 'image' (so faults aimed at 'image' hit it),
	// except the video files under /videos/, which count as 'video'.
	rec.endpoint = path.startsWith('/videos/') ? 'video' : 'image';
	const body = await readBody(req);
	if (host.closed) return;
	rec.rawBodySize = body?.length ?? 0;

	const fault = host.faultQueue.takeTransportFault(rec.endpoint);
	let slow: Extract<Fault, { kind: 'slow' }> | undefined;
	if (fault) {
		rec.fault = fault;
		if (host.applyTransportFault(req, res, rec, fault)) return;
		if (fault.kind === 'slow') slow = fault;
	}
	const notFound = (): Reply => ({ status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('Not found') });
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		if (slow) await host.delay(slow.delayMs);
		host.send(res, rec, { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('Method not allowed') });
		return;
	}
	rec.readAt = Date.now();
	const file = servedFile(host, path, rec.readAt);
	if (!file) {
		if (slow) await host.delay(slow.delayMs);
		host.send(res, rec, notFound());
		return;
	}
	const plan = file.plan;
	if (slow && !slow.trickle) await host.delay(slow.delayMs);
	if (res.destroyed || host.closed) return;
	rec.response = { status: 200 };
	rec.answeredAt = Date.now();
	res.writeHead(200, {
		'content-type': file.contentType,
		'content-length': String(plan.size),
		'cache-control': 'no-store',
	});
	if (req.method === 'HEAD') {
		res.end();
		host.events.emit('request', rec);
		return;
	}
	// Stream the shared pieces with back-pressure; with slow+trickle, spread the body over delayMs in
	// ~10 steps. Each step waits *before* it is written, so the last byte leaves no sooner than
	// delayMs after the headers (waiting after each step would skip the wait of a short last step).
	const stepBytes = slow?.trickle ? Math.max(1, Math.ceil(plan.size / 10)) : Infinity;
	const stepDelay = slow?.trickle ? slow.delayMs / Math.ceil(plan.size / stepBytes) : 0;
	let inStep = 0;
	for (const piece of file.pieces) {
		let off = 0;
		while (off < piece.length) {
			if (res.destroyed || host.closed) return;
			if (stepDelay > 0 && inStep === 0) {
				await host.delay(stepDelay);
				if (res.destroyed || host.closed) return;
			}
			const end = Math.min(piece.length, off + (stepBytes === Infinity ? piece.length : stepBytes - inStep));
			const ok = res.write(off === 0 && end === piece.length ? piece : piece.subarray(off, end));
			inStep += end - off;
			off = end;
			if (inStep >= stepBytes) inStep = 0;
			if (!ok) await host.drained(res);
		}
	}
	if (res.destroyed || host.closed) return;
	res.end();
	host.events.emit('request', rec);
}

/** The file at `path` if it is served now: an image of an image task, a video task's MP4 or last frame. */
function servedFile(host: ImageOriginHost, path: string, now: number): { plan: { size: number }; pieces: Iterable<Buffer>; contentType: string } | undefined {
	const image = /^\/images\/([^/]+)\/(\d+)\.png$/.exec(path);
	if (image) {
		const task = host.tasks.get(image[1]);
		const index = Number(image[2]);
		if (!task || !task.servesImage(index, now)) return undefined;
		const plan = planImage(task.taskid, index, task.image);
		return { plan, pieces: imagePieces(plan), contentType: 'image/png' };
	}
	const video = /^\/videos\/([^/]+?)(\.mp4|\/last-frame\.png)$/.exec(path);
	const task = video ? host.videoTasks.get(video[1]) : undefined;
	const lastFrame = video?.[2] !== '.mp4';
	if (!task || !task.serves(lastFrame, now)) return undefined;
	if (lastFrame) {
		// The last frame: a PNG of the emulator's usual kind, 64×64, named after the task.
		const plan = planImage(`${task.taskid}:last-frame`, 0, { width: 64, height: 64 });
		return { plan, pieces: imagePieces(plan), contentType: 'image/png' };
	}
	const plan = planVideo(task.taskid, task.videoBytes);
	return { plan, pieces: videoPieces(plan), contentType: 'video/mp4' };
}
