/**
 * Control endpoints under /__emulator/ on the API origin, for driving the emulator from another
 * process (the e2e tests, the scripts): unauthenticated, not recorded, never faulted. Each maps
 * onto a method of the `Emulator` handle.
 */
import type * as http from 'node:http';

import { sha256 } from './body';
import type { FaultTarget } from './faults';
import { validateFault } from './faults';
import { jsonReply } from './replies';
import type { EmulatorOptions } from './settings';
import type { Emulator } from './handle';
import type { RecordedRequest } from './types';

export async function onControl(emu: Emulator, req: http.IncomingMessage, res: http.ServerResponse, path: string, body: Buffer): Promise<void> {
	const reply = (status: number, obj: unknown) => {
		if (res.destroyed) return;
		const r = jsonReply(status, obj);
		res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
		res.end(r.body);
	};
	const method = req.method ?? 'GET';
	const query = new URL(req.url ?? '/', 'http://x').searchParams;
	let input: Record<string, unknown> = {};
	if (body.length > 0) {
		try {
			const v: unknown = JSON.parse(body.toString('utf8'));
			if (v && typeof v === 'object' && !Array.isArray(v)) input = v as Record<string, unknown>;
			else return reply(400, { ok: false, error: 'Body must be a JSON object' });
		} catch {
			return reply(400, { ok: false, error: 'Body is not valid JSON' });
		}
	}
	const route = `${method} ${path.replace(/\/+$/, '')}`;
	try {
		switch (route) {
			case 'GET /__emulator':
			case 'GET /__emulator/health':
				return reply(200, { ok: true, url: emu.url, imageOrigin: emu.imageOrigin, apiKey: emu.apiKey, noCreditsKey: emu.noCreditsKey });
			case 'GET /__emulator/log': {
				// CHOICE: file bytes are omitted by default (size + sha256 kept); ?bytes=1 adds them as
				// base64. ?since=<seq> returns only later requests.
				const withBytes = query.get('bytes') === '1' || query.get('bytes') === 'true';
				const since = Number(query.get('since') ?? 0) || 0;
				return reply(200, emu.log.filter((r) => r.seq > since).map((r) => serializeRecord(r, withBytes)));
			}
			case 'POST /__emulator/clear-log':
				emu.clearLog();
				return reply(200, { ok: true });
			case 'POST /__emulator/reset':
				emu.reset();
				return reply(200, { ok: true });
			case 'GET /__emulator/faults':
				return reply(200, emu.faults.map((f) => ({ ...f, remaining: f.remaining === Infinity ? null : f.remaining })));
			case 'POST /__emulator/faults': {
				// times: a number; null, "Infinity" or -1 mean "until cleared" (JSON has no Infinity).
				const t = input.times;
				const times = t === undefined ? 1 : t === null || t === 'Infinity' || t === -1 ? Infinity : t;
				if (typeof times !== 'number') throw new Error('times must be a number, null or "Infinity"');
				validateFault(input.target, input.fault);
				emu.inject(input.target as FaultTarget, input.fault, times);
				return reply(200, { ok: true, queued: emu.faults.length });
			}
			case 'DELETE /__emulator/faults':
			case 'POST /__emulator/faults/clear':
				emu.clearFaults();
				return reply(200, { ok: true });
			case 'GET /__emulator/options':
				return reply(200, emu.options);
			case 'POST /__emulator/configure':
				emu.configure(input as Partial<EmulatorOptions>);
				return reply(200, { ok: true, options: emu.options, creditsLeft: emu.creditsLeft });
			case 'GET /__emulator/tasks':
				return reply(200, [...[...emu.tasks.values()].map((t) => t.toJSON()), ...[...emu.videoTasks.values()].map((t) => t.toJSON())]);
			case 'POST /__emulator/complete-all':
				emu.completeAllNow();
				return reply(200, { ok: true });
			default:
				return reply(404, { ok: false, error: `Unknown control endpoint ${route}` });
		}
	} catch (err) {
		return reply(400, { ok: false, error: err instanceof Error ? err.message : String(err) });
	}
}

/** JSON form of a recorded request, as served by GET /__emulator/log. */
export function serializeRecord(r: RecordedRequest, withBytes = false): Record<string, unknown> {
	return {
		...r,
		files: r.files.map((f) => ({
			field: f.field,
			filename: f.filename,
			contentType: f.contentType,
			size: f.size,
			sha256: sha256(f.bytes),
			...(withBytes ? { bytesBase64: f.bytes.toString('base64') } : {}),
		})),
	};
}
