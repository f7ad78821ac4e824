/**
 * The API's answer: an HTTP status and a JSON envelope `{code, msg, data}`. Turns one response
 * into its `data`, or into a classified Failure (see docs/tensorslab-api.md, "Envelope and codes").
 */
import type { IDataObject } from 'n8n-workflow';

import { redactAndCut } from '../helpers/format';
import { parseRetryAfter, type Failure } from './failure';

export const TOP_UP_URL = 'https://tensorai.tensorslab.com/';

const CODE_SUCCESS = 1000;
const CODE_INSUFFICIENT_CREDITS = 9000;

/** How much of an unreadable answer is quoted in the error. */
const QUOTED_BODY_CHARS = 200;

export interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	return JSON.stringify(body ?? '');
}

function parseEnvelope(body: unknown): IDataObject | undefined {
	if (body && typeof body === 'object' && !Buffer.isBuffer(body) && !(body instanceof ArrayBuffer)) {
		return body as IDataObject;
	}
	try {
		const parsed: unknown = JSON.parse(bodyText(body));
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}

/** `apiKey` is removed from any quoted body before it is cut to length. */
export function classifyResponse(response: FullResponse, apiKey: string): Failure | { data: IDataObject } {
	const status = response.statusCode;
	const envelope = parseEnvelope(response.body);
	const apiMessage = typeof envelope?.msg === 'string' ? envelope.msg : undefined;
	const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
	if (status >= 300 && status < 400) {
		return {
			details: {
				message: `TensorsLab answered with a redirect (HTTP ${status}) that was not followed`,
				description:
					'Redirects are not followed, so the API key is never sent to another host. Point the credential\'s Base URL at the final address.',
				httpCode: String(status),
			},
			notProcessed: false,
			transient: false,
		};
	}
	if (status === 429) {
		return {
			details: {
				message: 'TensorsLab is rate limiting requests (HTTP 429)',
				description: apiMessage ?? 'Too many requests. Lower "Max Concurrency" or try again later.',
				httpCode: '429',
			},
			// A 429 is a refusal before processing, so even a generate request may be sent again.
			notProcessed: true,
			transient: true,
			retryAfterMs,
		};
	}
	if (status === 401 || status === 403) {
		return {
			details: {
				message: 'TensorsLab refused the API key',
				description: `${apiMessage ? `${apiMessage}. ` : ''}Check the API key and the Base URL in the credential.`,
				httpCode: String(status),
			},
			notProcessed: true,
			transient: false,
		};
	}
	if (status >= 500) {
		return {
			details: { message: `TensorsLab could not process the request (HTTP ${status})`, description: apiMessage, httpCode: String(status) },
			notProcessed: false,
			transient: true,
			retryAfterMs,
		};
	}
	if (status >= 400) {
		return {
			details: {
				message: `TensorsLab refused the request (HTTP ${status})${apiMessage ? `: ${apiMessage}` : ''}`,
				httpCode: String(status),
			},
			notProcessed: true,
			transient: false,
		};
	}
	if (!envelope || typeof envelope.code !== 'number') {
		return {
			details: {
				message: 'TensorsLab sent an answer that is not valid JSON',
				description: `HTTP ${status}: ${redactAndCut(bodyText(response.body), apiKey, QUOTED_BODY_CHARS)}`,
				httpCode: String(status),
			},
			notProcessed: false,
			transient: true,
		};
	}
	if (envelope.code === CODE_SUCCESS) {
		const data = envelope.data;
		return { data: data && typeof data === 'object' && !Array.isArray(data) ? (data as IDataObject) : {} };
	}
	if (envelope.code === CODE_INSUFFICIENT_CREDITS) {
		return {
			details: {
				message: 'Insufficient TensorsLab credits',
				description: `${apiMessage ? `TensorsLab says: "${apiMessage}". ` : ''}Top up at ${TOP_UP_URL} and run again.`,
				apiCode: envelope.code,
			},
			notProcessed: true,
			transient: false,
		};
	}
	return {
		details: { message: `TensorsLab refused the request: ${apiMessage ?? 'no reason given'} (code ${envelope.code})`, apiCode: envelope.code },
		notProcessed: true,
		transient: false,
	};
}
