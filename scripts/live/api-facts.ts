/**
 * The documented facts of TensorsLab's API (docs/tensorslab-api.md, docs/video-api.md) as checks
 * on what went over the wire during one step of the live check: the generate answer, the status
 * answers (HTTP, fields, status codes and their order), where the result URLs are and what their
 * files are, the delete answer, and that the key went only to the Base URL.
 */
import type { FactSheet } from './report';
import { withoutQuery } from './report';
import type { WireRecord } from './wire';

/** What the documentation says about one kind of task. */
export interface DocumentedKind {
	statusPath: string;
	deletePath: string;
	statusField: string;
	/** The fields of a status answer's `data`. */
	fields: readonly string[];
	/** Status code → its place in a task's life; codes not listed are undocumented. */
	order: Readonly<Record<number, number>>;
	completed: number;
	/** The result files' Content-Type, and how the report names it. */
	resultType: RegExp;
	resultLabel: string;
}

export const DOCUMENTED: Readonly<Record<'image' | 'video', DocumentedKind>> = {
	image: {
		statusPath: '/v1/images/infobytaskid',
		deletePath: '/v1/images/deleteimagestask',
		statusField: 'image_status',
		fields: ['taskid', 'category', 'starttime', 'url', 'image_status', 'width', 'height', 'prompt', 'negative', 'origseed'],
		// 1 queued → 2 processing → 3 completed or 4 failed.
		order: { 1: 0, 2: 1, 3: 2, 4: 2 },
		completed: 3,
		resultType: /^image\//,
		resultLabel: 'an image/*',
	},
	video: {
		statusPath: '/v1/video/infobytaskid',
		deletePath: '/v1/video/deletevideotask',
		statusField: 'task_status',
		fields: ['taskid', 'url', 'task_status', 'message', 'prompt', 'imageurl', 'resolution', 'fps', 'source', 'duration', 'seed', 'ratio'],
		// 1 queued → 2 processing → 5 uploading → 3 completed or 4 failed.
		order: { 1: 0, 2: 1, 5: 2, 3: 3, 4: 3 },
		completed: 3,
		resultType: /^video\/mp4/,
		resultLabel: 'a video/mp4',
	},
};

export interface Envelope {
	code?: unknown;
	msg?: unknown;
	data?: Record<string, unknown>;
}

export function envelopeOf(record: WireRecord | undefined): Envelope | undefined {
	if (!record?.body) return undefined;
	try {
		const parsed = JSON.parse(record.body) as unknown;
		return parsed && typeof parsed === 'object' ? (parsed as Envelope) : undefined;
	} catch {
		return undefined;
	}
}

const isJson = (record: WireRecord) => /^application\/json\b/i.test(record.contentType ?? '');

/** "HTTP 200 application/json code 1000" or what was seen instead. */
function describeAnswer(record: WireRecord | undefined): string {
	if (!record) return 'no such request was sent';
	const envelope = envelopeOf(record);
	return `HTTP ${record.status ?? 'none'}, ${record.contentType || 'no Content-Type'}, code ${JSON.stringify(envelope?.code)}${envelope?.msg !== undefined ? `, msg ${JSON.stringify(envelope.msg)}` : ''}`;
}

function answeredOk(record: WireRecord | undefined): boolean {
	return record !== undefined && record.status === 200 && isJson(record) && envelopeOf(record)?.code === 1000;
}

/** Facts about one task run through Generate and Wait (or Edit): its generate, status and files. */
export function checkTaskRun(sheet: FactSheet, prefix: string, kind: DocumentedKind, submitPath: string, step: WireRecord[], base: string, expectedUrls?: number): void {
	const api = step.filter((r) => r.origin === base);
	const submit = api.find((r) => r.method === 'POST' && r.path.endsWith(submitPath));
	const taskid = envelopeOf(submit)?.data?.taskid;
	sheet.check(
		`${prefix}.submit`,
		`POST ${submitPath} (multipart/form-data) is answered HTTP 200, application/json, code 1000, with data.taskid`,
		answeredOk(submit) && /^multipart\/form-data/i.test(submit!.headers['content-type'] ?? '') && typeof taskid === 'string' && taskid !== '',
		`${describeAnswer(submit)}, request ${submit?.headers['content-type'] ?? 'not sent'}, taskid ${JSON.stringify(taskid)}`,
	);
	const statuses = api.filter((r) => r.path.endsWith(kind.statusPath));
	const bad = statuses.filter((r) => !answeredOk(r));
	sheet.check(
		`${prefix}.status.answers`,
		`Every POST ${kind.statusPath} is answered HTTP 200, application/json, code 1000`,
		statuses.length > 0 && bad.length === 0,
		statuses.length === 0 ? 'no status request was sent' : bad.length ? `${bad.length} of ${statuses.length}: ${describeAnswer(bad[0])}` : `${statuses.length} answers`,
	);
	const answers = statuses.map((r) => envelopeOf(r)?.data).filter((d): d is Record<string, unknown> => !!d && typeof d === 'object');
	const last = answers[answers.length - 1];
	const missing = last ? kind.fields.filter((field) => !(field in last)) : [...kind.fields];
	const extra = last ? Object.keys(last).filter((field) => !kind.fields.includes(field)) : [];
	sheet.check(
		`${prefix}.status.fields`,
		`The status answer's data has the documented fields: ${kind.fields.join(', ')}`,
		missing.length === 0,
		`${missing.length ? `missing: ${missing.join(', ')}` : 'all present'}${extra.length ? `; also (undocumented): ${extra.join(', ')}` : ''}`,
	);
	const codes = answers.map((d) => d[kind.statusField]);
	const ranks = codes.map((code) => (typeof code === 'number' ? kind.order[code] : undefined));
	const inOrder = ranks.every((rank, i) => rank !== undefined && (i === 0 || rank >= ranks[i - 1]!));
	sheet.check(
		`${prefix}.status.codes`,
		`${kind.statusField} takes only the documented values (${Object.keys(kind.order).join(', ')}), in their documented order, ending at ${kind.completed}`,
		codes.length > 0 && inOrder && codes[codes.length - 1] === kind.completed,
		`seen in order: ${codes.map((c) => JSON.stringify(c)).join(' → ') || 'nothing'}`,
	);
	const urls = last?.url;
	const httpUrls = Array.isArray(urls) && urls.length > 0 && urls.every((u) => typeof u === 'string' && /^https?:\/\//i.test(u));
	const earlyUrls = answers.slice(0, -1).filter((d) => Array.isArray(d.url) && d.url.length > 0 && d[kind.statusField] !== kind.completed);
	sheet.check(
		`${prefix}.result.urls`,
		`Once completed, the result URLs are in data.url, an array of http(s) URLs${expectedUrls ? ` (${expectedUrls} here)` : ''}, and not before`,
		httpUrls && (!expectedUrls || (urls as unknown[]).length === expectedUrls) && earlyUrls.length === 0,
		`data.url: ${Array.isArray(urls) ? `${urls.length} entries: ${urls.map((u) => withoutQuery(String(u))).join(', ')}` : JSON.stringify(urls)}${earlyUrls.length ? `; URLs before completion in ${earlyUrls.length} answers` : ''}`,
	);
	if (!httpUrls) return;
	for (const [index, url] of (urls as string[]).entries()) {
		const first = step.findIndex((r) => r.method === 'GET' && withoutQuery(r.url) === withoutQuery(url));
		// A result host may redirect (a CDN); the answer that counts is the first that is not one.
		const served = first < 0 ? undefined : step.slice(first).find((r) => r.method === 'GET' && !(r.status! >= 300 && r.status! < 400));
		sheet.check(
			`${prefix}.result.file.${index}`,
			`Result URL ${index} is served HTTP 200 with ${kind.resultLabel} Content-Type`,
			served?.status === 200 && kind.resultType.test(served.contentType ?? ''),
			served ? `HTTP ${served.status}, ${served.contentType || 'no Content-Type'}` : 'not downloaded',
		);
	}
}

/** The delete answer: HTTP 200, JSON {code: 1000, msg, data: {status: "Success"}}. */
export function checkDelete(sheet: FactSheet, id: string, kind: DocumentedKind, step: WireRecord[], base: string): void {
	const request = step.find((r) => r.origin === base && r.path.endsWith(kind.deletePath));
	sheet.check(
		id,
		`POST ${kind.deletePath} is answered HTTP 200, application/json, code 1000, data.status "Success"`,
		answeredOk(request) && envelopeOf(request)?.data?.status === 'Success',
		`${describeAnswer(request)}, data ${JSON.stringify(envelopeOf(request)?.data)}`,
	);
}

/**
 * The key goes to the Base URL only, and there only as `Authorization: Bearer <key>`: never in a
 * URL, never in any header of a request to another host (result downloads included).
 */
export function checkKeyConfinement(sheet: FactSheet, records: WireRecord[], base: string, key: string): void {
	const leaks: string[] = [];
	for (const record of records) {
		const onBase = record.origin === base;
		if (record.url.includes(key) || record.url.includes(encodeURIComponent(key))) leaks.push(`#${record.seq} ${record.method} carries the key in its URL`);
		for (const [name, value] of Object.entries(record.headers)) {
			if (!value.includes(key)) continue;
			if (onBase && name === 'authorization' && value === `Bearer ${key}`) continue;
			leaks.push(`#${record.seq} ${record.method} ${withoutQuery(record.url)} carries the key in header ${name}`);
		}
		if (onBase && record.headers.authorization !== `Bearer ${key}`) leaks.push(`#${record.seq} to the Base URL without "Authorization: Bearer <key>"`);
	}
	const elsewhere = records.filter((r) => r.origin !== base).length;
	sheet.check(
		'key.only-to-base-url',
		'The key goes only to the Base URL, as "Authorization: Bearer <key>", and in no other request, URL or header',
		records.length > 0 && leaks.length === 0,
		leaks.length ? leaks.slice(0, 5).join('; ') : `${records.length - elsewhere} requests to the Base URL carried it as a Bearer token; ${elsewhere} to other hosts did not carry it`,
	);
}
