/**
 * Image type detection from the first bytes of a file. Used to refuse non-image source binaries
 * before a request is sent, and to check a downloaded image's Content-Type against its bytes.
 */

export interface ImageType {
	mimeType: string;
	extension: string;
}

const SIGNATURES: Array<{ type: ImageType; matches: (b: Uint8Array) => boolean }> = [
	{
		type: { mimeType: 'image/png', extension: 'png' },
		matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	},
	{ type: { mimeType: 'image/jpeg', extension: 'jpg' }, matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
	{
		type: { mimeType: 'image/webp', extension: 'webp' },
		matches: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
	},
	{ type: { mimeType: 'image/gif', extension: 'gif' }, matches: (b) => ascii(b, 0, 4) === 'GIF8' },
	{ type: { mimeType: 'image/bmp', extension: 'bmp' }, matches: (b) => ascii(b, 0, 2) === 'BM' },
	{
		type: { mimeType: 'image/tiff', extension: 'tiff' },
		matches: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]),
	},
];

/** Bytes needed to recognise every signature above. */
export const SNIFF_BYTES = 12;

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
	return bytes.length >= prefix.length && prefix.every((value, i) => bytes[i] === value);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
	if (bytes.length < end) return '';
	return String.fromCharCode(...bytes.subarray(start, end));
}

/** The image type the bytes start with, or undefined if they are not a known image format. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
	return SIGNATURES.find((signature) => signature.matches(bytes))?.type;
}
