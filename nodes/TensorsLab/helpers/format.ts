/** Text helpers for messages. Pure. */

/** "1 second", "0.3 seconds", "180 seconds": durations in messages as the user set them. */
export function formatSeconds(ms: number): string {
	const seconds = Math.round(ms / 100) / 10;
	return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** Replaces every occurrence of the key in text, so no message can carry it. */
export function redact(text: string, secret: string): string {
	if (!secret || secret.length < 4) return text;
	return text.split(secret).join('[redacted]');
}

/**
 * The first `max` characters of text with the key already removed. Redacting first matters: a key
 * cut in half by the limit would no longer be found, and its first half would stay visible.
 */
export function redactAndCut(text: string, secret: string, max: number): string {
	return redact(text, secret).slice(0, max);
}
