/**
 * The answers the API origin sends: TensorsLab's JSON envelope `{code, msg, data?}` and its codes.
 */

export const CODE_SUCCESS = 1000;
export const CODE_NO_CREDITS = 9000;
export const CODE_ERROR = 9999;

export interface Reply {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
	code?: number;
}

export function jsonReply(status: number, obj: unknown, extraHeaders: Record<string, string> = {}): Reply {
	const body = Buffer.from(JSON.stringify(obj));
	const code = obj && typeof obj === 'object' && typeof (obj as { code?: unknown }).code === 'number' ? (obj as { code: number }).code : undefined;
	return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...extraHeaders }, body, code };
}

export function envelope(code: number, msg: string, data?: unknown, status = 200, extraHeaders?: Record<string, string>): Reply {
	return jsonReply(status, data === undefined ? { code, msg } : { code, msg, data }, extraHeaders);
}

/** A refused request: HTTP 200, code 9999, a message naming what is wrong. */
export const invalid = (msg: string) => envelope(CODE_ERROR, msg);
export const noCredits = () => envelope(CODE_NO_CREDITS, 'Insufficient credits');
