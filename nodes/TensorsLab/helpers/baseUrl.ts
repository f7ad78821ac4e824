/**
 * The credential's Base URL, normalised the one way both the node and the credential's Test use:
 * trimmed, trailing slashes removed, http(s) only, no query or fragment (the API path is appended
 * to it). Pure. The credential's Test applies the same steps in its expression; a unit test keeps
 * the two in step.
 */
import { ParameterError } from './parameterError';
import { parseUrl } from './values';

export function normalizeBaseUrl(value: unknown): string {
	const text = typeof value === 'string' ? value.trim().replace(/\/+$/, '') : '';
	const url = parseUrl(text);
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
		throw new ParameterError(
			'baseUrl',
			`The credential's Base URL "${text}" is not an http:// or https:// URL`,
			'Set it to https://api.tensorslab.com, or to your proxy or emulator',
		);
	}
	if (text.includes('?') || text.includes('#')) {
		throw new ParameterError(
			'baseUrl',
			`The credential's Base URL "${text}" has a query or fragment; the API paths are appended to it`,
			'Remove everything from "?" or "#" on',
		);
	}
	return text;
}
