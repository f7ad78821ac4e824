/**
 * Video type detection from the first bytes of a file: an ISO-BMFF file (MP4) starts with an
 * `ftyp` box, whose type sits at bytes 4–7 (after the box size). Used to check a downloaded video
 * against its Content-Type, as imageType.ts does for images. Pure.
 */
import type { ImageType } from './imageType';

/** The file type the bytes start with (MP4), or undefined. Needs the first 8 bytes. */
export function sniffVideoType(bytes: Uint8Array): ImageType | undefined {
	if (bytes.length < 8) return undefined;
	return String.fromCharCode(...bytes.subarray(4, 8)) === 'ftyp' ? { mimeType: 'video/mp4', extension: 'mp4' } : undefined;
}
