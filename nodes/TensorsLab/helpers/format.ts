/** Text helpers for messages. Pure. */

/** "1 second", "0.3 seconds", "180 seconds": durations in messages as the user set them. */
export function formatSeconds(ms: number): string {
	const seconds = Math.round(ms / 100) / 10;
	return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/**
 * Every form in which the key could come back in a text: as sent (trimmed, so it is also found
 * inside a padded copy), URL-encoded, and escaped as inside a JSON string. Longest first.
 */
function formsOf(secret: string): string[] {
	const key = secret.trim();
	if (key.length < 4) return [];
	const forms = new Set([key, encodeURIComponent(key), JSON.stringify(key).slice(1, -1)]);
	return [...forms].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of the key, in any of its forms, in text, so no message can carry it. */
export function redact(text: string, secret: string): string {
	return formsOf(secret).reduce((out, form) => out.split(form).join('[redacted]'), text);
}

/**
 * The first `max` characters of text with the key already removed. Redacting first matters: a key
 * cut in half by the limit would no longer be found, and its first half would stay visible.
 */
export function redactAndCut(text: string, secret: string, max: number): string {
	return redact(text, secret).slice(0, max);
}
