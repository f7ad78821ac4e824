/**
 * Request bodies: reading one with a size cap, and parsing it as multipart/form-data (with each
 * file part's Content-Type exactly as sent), application/x-www-form-urlencoded or JSON.
 */
import { createHash } from 'node:crypto';
import type * as http from 'node:http';

import type { RecordedFile } from './types';

/** Maximum accepted request body. CHOICE: 512 MiB (14 reference images of up to 30 MB fit); larger → HTTP 413. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

export interface ParsedBody {
	fields: Record<string, string[]>;
	files: RecordedFile[];
	/** Every part in order (multipart / urlencoded). */
	parts: { name: string; kind: 'text' | 'file' }[];
	json?: unknown;
	jsonOk: boolean;
	error?: string;
}

/** The whole body, or undefined when it was larger than MAX_BODY_BYTES or the request failed. */
export function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooBig = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooBig = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
		req.on('error', () => resolve(undefined));
		req.on('aborted', () => resolve(undefined));
	});
}

export function sha256(buf: Buffer): string {
	return createHash('sha256').update(buf).digest('hex');
}

export function mediaType(contentType: string | undefined): string {
	return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function boundaryOf(contentType: string): string | undefined {
	const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * The Content-Type header of every multipart part that has a filename, in order, exactly as sent
 * (undefined when absent). The web FormData parser invents 'text/plain' (or similar) for parts
 * without one; the log should show what the client really sent.
 */
function rawFilePartTypes(body: Buffer, boundary: string): (string | undefined)[] {
	const out: (string | undefined)[] = [];
	const delim = Buffer.from(`--${boundary}`, 'latin1');
	let pos = body.indexOf(delim);
	while (pos !== -1) {
		const afterDelim = pos + delim.length;
		if (body[afterDelim] === 0x2d && body[afterDelim + 1] === 0x2d) break; // closing delimiter
		const headEnd = body.indexOf('\r\n\r\n', afterDelim, 'latin1');
		if (headEnd === -1) break;
		const headers = body.toString('utf8', afterDelim, headEnd).split('\r\n');
		let disposition = '';
		let type: string | undefined;
		for (const line of headers) {
			const i = line.indexOf(':');
			if (i < 0) continue;
			const name = line.slice(0, i).trim().toLowerCase();
			if (name === 'content-disposition') disposition = line.slice(i + 1);
			else if (name === 'content-type') type = line.slice(i + 1).trim();
		}
		if (/;\s*filename\*?=/i.test(disposition)) out.push(type);
		pos = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), headEnd + 4);
		if (pos !== -1) pos += 2;
	}
	return out;
}

export async function parseBody(body: Buffer, contentType: string | undefined): Promise<ParsedBody> {
	const parsed: ParsedBody = { fields: {}, files: [], parts: [], jsonOk: false };
	const type = mediaType(contentType);
	if (body.length === 0 && type !== 'multipart/form-data') return parsed;
	try {
		if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') {
			if (type === 'multipart/form-data' && !boundaryOf(contentType ?? '')) throw new Error('no boundary in Content-Type');
			// The web platform's own multipart parser (undici). A Buffer is a valid BodyInit at run time;
			// the cast only bridges the DOM typings' ArrayBuffer-vs-ArrayBufferLike distinction.
			const form = await new Response(body as unknown as BodyInit, { headers: { 'content-type': contentType ?? '' } }).formData();
			const rawTypes = type === 'multipart/form-data' ? rawFilePartTypes(body, boundaryOf(contentType ?? '') ?? '') : [];
			let fileIndex = 0;
			const fileEntries: { name: string; file: File }[] = [];
			form.forEach((value, name) => {
				if (typeof value === 'string') {
					(parsed.fields[name] ??= []).push(value);
					parsed.parts.push({ name, kind: 'text' });
				} else {
					fileEntries.push({ name, file: value });
					parsed.parts.push({ name, kind: 'file' });
				}
			});
			const typesReliable = rawTypes.length === fileEntries.length;
			for (const { name, file } of fileEntries) {
				const bytes = Buffer.from(await file.arrayBuffer());
				parsed.files.push({
					field: name,
					filename: file.name,
					contentType: typesReliable ? (rawTypes[fileIndex] ?? '') : file.type,
					size: bytes.length,
					bytes,
				});
				fileIndex++;
			}
		} else if (type === 'application/json' || type.endsWith('+json')) {
			parsed.json = JSON.parse(body.toString('utf8'));
			parsed.jsonOk = true;
		}
	} catch (err) {
		parsed.error = err instanceof Error ? err.message : String(err);
	}
	return parsed;
}
