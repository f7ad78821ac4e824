/**
 * A source image URL as the node forwards it: checked, then sent exactly as typed. Pure.
 */
import { ParameterError } from './parameterError';
import { parseUrl } from './values';

/** Whitespace or a control character: never part of a URL as it is sent (a space is written %20). */
function hasSpaceOrControl(text: string): boolean {
	for (const char of text) {
		const code = char.codePointAt(0)!;
		if (code < 0x20 || code === 0x7f || /\s/.test(char)) return true;
	}
	return false;
}

/**
 * Checks one source image URL and returns it exactly as typed, only the surrounding whitespace
 * removed. The URL parser is used to check it, never to write it: its own serialisation
 * re-encodes (a quote in the query becomes %27, the host is lower-cased, an empty path gains a
 * "/"), and a signed link such as `…?X-Amz-Signature=ab%2Fcd&x=1+2` stops matching its
 * signature when one byte changes. `label` names the URL in messages (the video's first or last frame).
 */
export function validateImageUrl(value: unknown, label = 'Image URL'): string {
	if (typeof value !== 'string') {
		throw new ParameterError('imageUrl', `${label} must be text, got ${JSON.stringify(value)}`);
	}
	const text = value.trim();
	const url = parseUrl(text);
	if (!url) throw new ParameterError('imageUrl', `${label} "${value}" is not a valid URL`);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new ParameterError('imageUrl', `${label} must start with http:// or https://, got "${url.protocol}"`);
	}
	// The parser also reads "http:/host" or "http:host" as http://host/; sent as typed they would not be.
	if (!/^https?:\/\//i.test(text)) {
		throw new ParameterError('imageUrl', `${label} must start with http:// or https://, got "${text}"`);
	}
	if (hasSpaceOrControl(text)) {
		throw new ParameterError('imageUrl', `${label} "${text}" contains a space or a control character`, 'Write a space in a URL as %20');
	}
	return text;
}
