/**
 * Records every HTTP request this process sends, as it goes out on the wire: Node's own
 * diagnostics channels see each request made through `http`/`https` (n8n's HTTP client, the
 * node's API calls, the credential Test and the result downloads) and each made through `fetch`.
 * Nothing is changed: a subscriber only reads. For answers from the Base URL (small JSON
 * envelopes) the body is kept too, so the check can read the fields TensorsLab sent.
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

export interface WireRecord {
	seq: number;
	method: string;
	/** Origin and path with its query, exactly as sent. */
	url: string;
	origin: string;
	/** Path without the query. */
	path: string;
	/** Request headers, names in lower case. */
	headers: Record<string, string>;
	/** Filled in when the answer's headers arrive. */
	status?: number;
	contentType?: string;
	/** The answer's body as text, for answers from the Base URL only. */
	body?: string;
}

interface UndiciRequest {
	origin: string;
	method: string;
	path: string;
	headers: string | string[];
}

const BODY_LIMIT = 1_000_000;

function headerText(value: unknown): string {
	return Array.isArray(value) ? value.map(String).join(', ') : String(value);
}

export class WireRecorder {
	readonly records: WireRecord[] = [];
	private readonly requests = new WeakMap<object, WireRecord>();
	private readonly subscriptions: Array<[string, (message: unknown) => void]> = [];

	/** `bodiesFrom`: the origin whose answers' bodies are kept (the Base URL's). */
	constructor(private readonly bodiesFrom: string) {}

	start(): void {
		this.subscribe('http.client.request.start', (message) => this.onHttpRequest((message as { request: ClientRequest }).request));
		this.subscribe('http.client.response.finish', (message) => {
			const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
			this.onHttpResponse(request, response);
		});
		this.subscribe('undici:request:create', (message) => this.onFetchRequest((message as { request: UndiciRequest }).request));
	}

	stop(): void {
		for (const [name, listener] of this.subscriptions) diagnostics.unsubscribe(name, listener);
		this.subscriptions.length = 0;
	}

	/** Records from index `from` on (a step's requests). */
	since(from: number): WireRecord[] {
		return this.records.slice(from);
	}

	private subscribe(name: string, listener: (message: unknown) => void): void {
		diagnostics.subscribe(name, listener);
		this.subscriptions.push([name, listener]);
	}

	private add(method: string, origin: string, pathAndQuery: string, headers: Record<string, string>): WireRecord {
		const record: WireRecord = {
			seq: this.records.length + 1,
			method,
			url: `${origin}${pathAndQuery}`,
			origin,
			path: pathAndQuery.split('?')[0],
			headers,
		};
		this.records.push(record);
		return record;
	}

	private onHttpRequest(request: ClientRequest): void {
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(request.getHeaders())) headers[name.toLowerCase()] = headerText(value);
		const host = request.getHeader('host') ?? request.host;
		this.requests.set(request, this.add(request.method, `${request.protocol}//${String(host)}`, request.path, headers));
	}

	private onHttpResponse(request: ClientRequest, response: IncomingMessage): void {
		const record = this.requests.get(request);
		if (!record) return;
		record.status = response.statusCode;
		record.contentType = headerText(response.headers['content-type'] ?? '');
		if (record.origin !== this.bodiesFrom) return;
		// The answer is read by its own consumer as well; a listener added here, before the
		// 'response' event, sees the same chunks and changes nothing for it.
		const chunks: Buffer[] = [];
		let size = 0;
		response.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= BODY_LIMIT) chunks.push(Buffer.from(chunk));
		});
		response.on('end', () => {
			record.body = Buffer.concat(chunks).toString('utf8');
		});
	}

	private onFetchRequest(request: UndiciRequest): void {
		const headers: Record<string, string> = {};
		const list = Array.isArray(request.headers) ? request.headers : request.headers.split('\r\n').flatMap((line) => line.split(/:\s*/, 2));
		for (let i = 0; i + 1 < list.length; i += 2) if (list[i]) headers[String(list[i]).toLowerCase()] = String(list[i + 1]);
		this.add(request.method, request.origin, request.path, headers);
	}
}
