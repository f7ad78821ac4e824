/** Reading parameter values that may come from the UI or from an expression. Pure. */
import { ParameterError } from './parameterError';

export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Plain decimal integers only: "0x10", "1e3", "1.0" or " 12abc" are not what a user meant. */
const DECIMAL_INTEGER = /^[+-]?\d+$/;

/** A whole number from a number parameter or an expression's decimal string, else a ParameterError. */
export function toInteger(value: unknown, parameter: string, label: string): number {
	const text = typeof value === 'string' ? value.trim() : undefined;
	const number = text !== undefined && DECIMAL_INTEGER.test(text) ? Number(text) : value;
	if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
		throw new ParameterError(parameter, `${label} must be a whole number, got ${JSON.stringify(value)}`);
	}
	return number;
}

/** A boolean from a toggle, or from an expression's "true"/"false"; anything else is refused. */
export function toBoolean(value: unknown, parameter: string, label: string): boolean {
	if (typeof value === 'boolean') return value;
	if (isBlank(value)) return false;
	const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
	if (text === 'true') return true;
	if (text === 'false') return false;
	throw new ParameterError(parameter, `${label} must be true or false, got ${JSON.stringify(value)}`);
}

/** Text from a text parameter; a number from an expression (`{{ 42 }}`) is taken as its digits. */
export function toText(value: unknown, parameter: string, label: string): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (value === undefined || value === null) return undefined;
	throw new ParameterError(parameter, `${label} must be text, got ${JSON.stringify(value)}`);
}

export function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}
