/**
 * The emulator's two HTTP servers and its state: the API origin (routing, auth, method, transport
 * faults, then api.ts; /__emulator/ to control.ts) and the image origin (image-origin.ts), the
 * request log, the task table, the fault queue and the credit balance, and closing it all.
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { handleDelete, handleGenerate, handleStatus } from './api';
import type { ApiState } from './api';
import { parseBody, readBody } from './body';
import type { ParsedBody } from './body';
import { onControl } from './control';
import { FaultQueue, targetMatches } from './faults';
import type { Fault, FaultTarget, QueuedFault } from './faults';
import { onImageRequest } from './image-origin';
import type { ImageOriginHost } from './image-origin';
import { expectedVideoBytes as mp4ExpectedBytes } from './mp4';
import { expectedImageBytes as pngExpectedBytes } from './png';
import type { ImageSpec } from './png';
import { CODE_ERROR, envelope } from './replies';
import type { Reply } from './replies';
import { patchSettings, resolveSettings } from './settings';
import type { EmulatorOptions, EmulatorSettings } from './settings';
import type { EmulatedTask } from './tasks';
import { isGenerate, isVideoGenerate } from './types';
import type { Emulator } from './handle';
import type { EndpointName, RecordedRequest } from './types';
import { handleVideoDelete, handleVideoGenerate, handleVideoStatus } from './video';
import type { EmulatedVideoTask } from './video';

/**
 * The `Emulator` handle. Members beyond that interface (settings, credits, faultQueue, closed and
 * the plumbing methods) are for the request handlers in api.ts and image-origin.ts only; this
 * class is not exported from the package's index.
 */
export class TensorsLabEmulator implements Emulator, ApiState, ImageOriginHost {
	readonly log: RecordedRequest[] = [];
	readonly tasks = new Map<string, EmulatedTask>();
	readonly videoTasks = new Map<string, EmulatedVideoTask>();
	readonly events = new EventEmitter();
	readonly faultQueue = new FaultQueue();
	url = '';
	imageOrigin = '';
	settings: EmulatorSettings;
	credits: number | null;
	closed = false;

	private seq = 0;
	private readonly apiServer: http.Server;
	private readonly imageServer: http.Server;
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly sleepers = new Set<() => void>();

	constructor(options: EmulatorOptions) {
		this.settings = resolveSettings(options);
		this.credits = this.settings.credits;
		this.apiServer = http.createServer((req, res) => {
			this.onApiRequest(req, res).catch((err: unknown) => this.internalError(res, err));
		});
		this.imageServer = http.createServer((req, res) => {
			onImageRequest(this, req, res).catch((err: unknown) => this.internalError(res, err));
		});
		for (const server of [this.apiServer, this.imageServer]) {
			server.on('connection', (socket: Socket) => {
				this.sockets.add(socket);
				socket.once('close', () => this.sockets.delete(socket));
			});
			// Node's default 5 s keep-alive is fine; no request timeout so 'hang' really hangs.
			server.requestTimeout = 0;
		}
	}

	get apiKey(): string {
		return this.settings.apiKey;
	}

	get noCreditsKey(): string {
		return this.settings.noCreditsKey;
	}

	get options(): Readonly<EmulatorSettings> {
		return { ...this.settings };
	}

	get creditsLeft(): number | null {
		return this.credits;
	}

	get faults(): readonly QueuedFault[] {
		return this.faultQueue.list();
	}

	async listen(): Promise<void> {
		const listen = (server: http.Server, port: number) =>
			new Promise<number>((resolve, reject) => {
				const onError = (err: Error) => reject(err);
				server.once('error', onError);
				server.listen(port, this.settings.host, () => {
					server.off('error', onError);
					resolve((server.address() as AddressInfo).port);
				});
			});
		this.settings.port = await listen(this.apiServer, this.settings.port);
		try {
			this.settings.imagePort = await listen(this.imageServer, this.settings.imagePort);
		} catch (err) {
			await new Promise<void>((resolve) => this.apiServer.close(() => resolve()));
			throw err;
		}
		const h = this.settings.publicHost.includes(':') ? `[${this.settings.publicHost}]` : this.settings.publicHost;
		this.url = `http://${h}:${this.settings.port}`;
		this.imageOrigin = `http://${h}:${this.settings.imagePort}`;
	}

	configure(patch: Partial<EmulatorOptions>): void {
		const next = patchSettings(this.settings, patch);
		this.settings = next;
		// Setting `credits` sets the balance to it.
		if ('credits' in patch) this.credits = next.credits;
	}

	apiRequests(endpoint?: FaultTarget): RecordedRequest[] {
		return this.log.filter((r) => r.origin === 'api' && r.endpoint !== 'control' && (endpoint === undefined || targetMatches(endpoint, r.endpoint)));
	}

	imageRequests(): RecordedRequest[] {
		return this.log.filter((r) => r.origin === 'images');
	}

	clearLog(): void {
		this.log.length = 0;
	}

	inject(target: FaultTarget, fault: Fault, times = 1): void {
		this.faultQueue.add(target, fault, times);
	}

	clearFaults(): void {
		this.faultQueue.clear();
	}

	reset(): void {
		this.clearLog();
		this.clearFaults();
		this.tasks.clear();
		this.videoTasks.clear();
		this.credits = this.settings.credits;
	}

	completeAllNow(): void {
		const now = Date.now();
		for (const t of this.tasks.values()) {
			if (t.queuedUntil > now) t.queuedUntil = now;
			if (t.doneAt > now) t.doneAt = now;
		}
		for (const t of this.videoTasks.values()) {
			t.queuedUntil = Math.min(t.queuedUntil, now);
			t.processingUntil = Math.min(t.processingUntil, now);
			t.doneAt = Math.min(t.doneAt, now);
		}
	}

	expectedImageBytes(taskid: string, index: number): Buffer {
		const task = this.tasks.get(taskid);
		const spec: ImageSpec = task?.image ?? {
			width: this.settings.imageWidth,
			height: this.settings.imageHeight,
			imageBytes: this.settings.imageBytes,
		};
		return pngExpectedBytes(taskid, index, spec);
	}

	expectedVideoBytes(taskid: string): Buffer {
		return mp4ExpectedBytes(taskid, this.videoTasks.get(taskid)?.videoBytes ?? this.settings.videoBytes);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const wake of this.sleepers) wake();
		this.sleepers.clear();
		const closing = [this.apiServer, this.imageServer].map(
			(server) =>
				new Promise<void>((resolve) => {
					if (!server.listening) return resolve();
					server.close(() => resolve());
				}),
		);
		for (const server of [this.apiServer, this.imageServer]) server.closeAllConnections();
		for (const socket of this.sockets) socket.destroy();
		await Promise.all(closing);
		this.events.removeAllListeners();
	}

	// -----------------------------------------------------------------------------------------
	// Plumbing (also used by image-origin.ts)
	// -----------------------------------------------------------------------------------------

	record(origin: 'api' | 'images', req: http.IncomingMessage, path: string): RecordedRequest {
		const rec: RecordedRequest = {
			seq: ++this.seq,
			time: Date.now(),
			origin,
			method: req.method ?? 'GET',
			path,
			url: req.url ?? '/',
			headers: { ...req.headers },
			contentType: req.headers['content-type'],
			fields: {},
			files: [],
			rawBodySize: 0,
			endpoint: 'unknown',
		};
		this.log.push(rec);
		return rec;
	}

	delay(ms: number): Promise<void> {
		return new Promise((resolve) => {
			if (this.closed) return resolve();
			const wake = () => {
				clearTimeout(timer);
				this.timers.delete(timer);
				this.sleepers.delete(wake);
				resolve();
			};
			const timer = setTimeout(wake, Math.max(0, ms));
			this.timers.add(timer);
			this.sleepers.add(wake);
		});
	}

	/** A bug in the emulator itself: answer 500 with the message rather than crash the test run. */
	internalError(res: http.ServerResponse, err: unknown): void {
		if (res.destroyed || this.closed) return;
		if (res.headersSent) {
			res.destroy();
			return;
		}
		const r = envelope(CODE_ERROR, `Emulator internal error: ${err instanceof Error ? err.message : String(err)}`, undefined, 500);
		res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
		res.end(r.body);
	}

	send(res: http.ServerResponse, rec: RecordedRequest, reply: Reply): void {
		if (res.destroyed || res.headersSent || this.closed) return;
		rec.response = { status: reply.status, code: reply.code };
		rec.answeredAt = Date.now();
		res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) });
		res.end(reply.body);
		this.events.emit('request', rec);
	}

	/** Apply a transport fault. Returns true when the request is finished (everything but slow). */
	applyTransportFault(req: http.IncomingMessage, res: http.ServerResponse, rec: RecordedRequest, fault: Fault): boolean {
		switch (fault.kind) {
			case 'http': {
				const headers: Record<string, string> = {};
				if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
				if (fault.body !== undefined) {
					let isJson = true;
					try {
						JSON.parse(fault.body);
					} catch {
						isJson = false;
					}
					headers['content-type'] = isJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
					this.send(res, rec, { status: fault.status, headers, body: Buffer.from(fault.body) });
				} else {
					this.send(res, rec, envelope(CODE_ERROR, `Emulated HTTP ${fault.status} error`, undefined, fault.status, headers));
				}
				return true;
			}
			case 'reset':
				// A TCP RST where possible (the client sees ECONNRESET), no response at all.
				req.socket.resetAndDestroy();
				this.events.emit('request', rec);
				return true;
			case 'hang':
				// Never answer; the socket is destroyed by the client giving up or by close().
				this.events.emit('request', rec);
				return true;
			case 'malformedJson': {
				const body = Buffer.from('{"code":1000,"msg":"Task created successfully","data":{"taskid":"abcd_12');
				this.send(res, rec, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body });
				return true;
			}
			case 'redirect':
				this.send(res, rec, { status: fault.status ?? 302, headers: { location: fault.location }, body: Buffer.alloc(0) });
				return true;
			default:
				return false;
		}
	}

	drained(res: http.ServerResponse): Promise<void> {
		return new Promise((resolve) => {
			const done = () => {
				res.off('drain', done);
				res.off('close', done);
				this.sleepers.delete(done);
				resolve();
			};
			res.on('drain', done);
			res.on('close', done);
			this.sleepers.add(done);
		});
	}

	// -----------------------------------------------------------------------------------------
	// API origin
	// -----------------------------------------------------------------------------------------

	private async onApiRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		if (path === '/__emulator' || path.startsWith('/__emulator/')) {
			// CHOICE: control requests are not recorded in the log at all.
			const body = await readBody(req);
			if (this.closed) return;
			await onControl(this, req, res, path, body ?? Buffer.alloc(0));
			return;
		}
		const rec = this.record('api', req, path);
		const m = /^\/v1\/images\/([A-Za-z0-9_]+)$/.exec(path);
		const name = m?.[1] ?? '';
		rec.endpoint = isGenerate(name) || name === 'infobytaskid' || name === 'deleteimagestask' ? (name as EndpointName) : 'unknown';
		const video = /^\/v1\/video\/([A-Za-z0-9_]+)$/.exec(path)?.[1] ?? '';
		if (isVideoGenerate(video) || video === 'deletevideotask') rec.endpoint = video;
		if (video === 'infobytaskid') rec.endpoint = 'videoinfobytaskid';

		const body = await readBody(req);
		if (this.closed) return;
		if (!body) {
			if (!res.destroyed) this.send(res, rec, envelope(CODE_ERROR, 'Request body too large', undefined, 413));
			req.socket.destroy();
			return;
		}
		rec.rawBodySize = body.length;
		const parsed = await parseBody(body, rec.contentType);
		rec.fields = parsed.fields;
		rec.files = parsed.files;
		if (parsed.jsonOk) rec.json = parsed.json;
		if (parsed.error) rec.parseError = parsed.error;

		const fault = this.faultQueue.takeTransportFault(rec.endpoint);
		let delayMs = 0;
		if (fault) {
			rec.fault = fault;
			if (this.applyTransportFault(req, res, rec, fault)) return;
			if (fault.kind === 'slow') delayMs = fault.delayMs;
		}
		// CHOICE (slow): the request is handled at once (a generate creates its task and spends
		// credits), only the answer is delayed — like a real server whose reply is slow, so a client
		// that gives up may leave a task behind.
		const reply = this.handleApi(req, rec, parsed);
		if (delayMs > 0) await this.delay(delayMs);
		this.send(res, rec, reply);
	}

	private handleApi(req: http.IncomingMessage, rec: RecordedRequest, parsed: ParsedBody): Reply {
		if (rec.endpoint === 'unknown') {
			// CHOICE: unknown paths, a model the emulator does not know among them (what the real API
			// answers there is undocumented), → HTTP 404 with a 9999 envelope.
			return envelope(CODE_ERROR, `Not found: ${rec.method} ${rec.path}`, undefined, 404);
		}
		// Auth: exactly "Bearer <key>" (scheme case-insensitive as in RFC 6750). CHOICE: a raw key
		// without the scheme (as in the docs' curl examples) is refused, as the reference says Bearer.
		const auth = req.headers.authorization ?? '';
		const am = /^Bearer (.+)$/i.exec(auth);
		const key = am?.[1];
		if (key !== this.settings.apiKey && key !== this.settings.noCreditsKey) {
			return envelope(CODE_ERROR, 'Invalid API key', undefined, 401, { 'www-authenticate': 'Bearer' });
		}
		if (rec.method !== 'POST') {
			// CHOICE: every API endpoint is POST only; other methods → HTTP 405.
			return envelope(CODE_ERROR, `Method ${rec.method} not allowed; use POST`, undefined, 405, { allow: 'POST' });
		}
		if (isGenerate(rec.endpoint)) return handleGenerate(this, rec.endpoint, rec, parsed, key);
		if (rec.endpoint === 'infobytaskid') return handleStatus(this, rec, parsed);
		if (rec.endpoint === 'deleteimagestask') return handleDelete(this, rec, parsed);
		if (isVideoGenerate(rec.endpoint)) return handleVideoGenerate(this, rec.endpoint, rec, parsed, key);
		if (rec.endpoint === 'videoinfobytaskid') return handleVideoStatus(this, rec, parsed);
		if (rec.endpoint === 'deletevideotask') return handleVideoDelete(this, rec, parsed);
		return envelope(CODE_ERROR, `Not found: ${rec.path}`, undefined, 404);
	}
}
