/**
 * Tiny, dependency-free PNG writer/reader for the TensorsLab emulator.
 *
 * The emulator serves real, decodable PNG files: signature, IHDR, a tEXt comment, IDAT
 * (zlib via node:zlib), optional padding and IEND. Every chunk carries a correct CRC-32, computed
 * with our own table because `zlib.crc32` only exists in newer Node versions than the project's
 * minimum (20.15).
 *
 * Images are deterministic: the bytes depend only on (taskid, index, width, height, imageBytes),
 * so a test can compute `expectedImageBytes(...)` and compare a download byte for byte.
 *
 * Padding (option `imageBytes`, used by the memory benchmark): the file is grown to the requested
 * size with private ancillary chunks of type `tlPd` (ancillary, private, reserved bit clear,
 * safe-to-copy), placed after IDAT. Decoders skip unknown ancillary chunks, so the file stays a
 * valid PNG. The padding payload is the same pseudo-random 1 MiB block for every image; it is
 * built once and streamed repeatedly, so serving many 25 MB images never holds 25 MB copies.
 */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE: Uint32Array = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/** Incremental CRC-32 (IEEE 802.3, as used by PNG and zlib). Pass the previous result to continue. */
export function crc32(data: Uint8Array, previous = 0): number {
	let c = (previous ^ 0xffffffff) >>> 0;
	for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC over type+data. */
export function pngChunk(type: string, data: Buffer): Buffer {
	if (!/^[A-Za-z]{4}$/.test(type)) throw new Error(`Bad PNG chunk type ${type}`);
	const out = Buffer.alloc(12 + data.length);
	out.writeUInt32BE(data.length, 0);
	out.write(type, 4, 'latin1');
	data.copy(out, 8);
	out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
	return out;
}

/** Padding chunk type: t = ancillary, l = private, P = reserved bit clear, d = safe to copy. */
export const PADDING_CHUNK_TYPE = 'tlPd';
/** Payload size of one full padding chunk. */
export const PADDING_CHUNK_DATA = 1024 * 1024;
const CHUNK_OVERHEAD = 12;
const IEND = pngChunk('IEND', Buffer.alloc(0));

let paddingBlock: Buffer | undefined;
/** The shared, deterministic noise payload (xorshift32 with a fixed seed), built once. */
function paddingData(): Buffer {
	if (!paddingBlock) {
		const buf = Buffer.alloc(PADDING_CHUNK_DATA);
		let x = 0x2545f491;
		for (let i = 0; i < buf.length; i += 4) {
			x ^= x << 13;
			x ^= x >>> 17;
			x ^= x << 5;
			buf.writeUInt32LE(x >>> 0, i);
		}
		paddingBlock = buf;
	}
	return paddingBlock;
}

let fullPaddingChunk: Buffer | undefined;
const partialPaddingChunks = new Map<number, Buffer>();
function paddingChunk(dataLength: number): Buffer {
	if (dataLength === PADDING_CHUNK_DATA) {
		fullPaddingChunk ??= pngChunk(PADDING_CHUNK_TYPE, paddingData());
		return fullPaddingChunk;
	}
	let chunk = partialPaddingChunks.get(dataLength);
	if (!chunk) {
		chunk = pngChunk(PADDING_CHUNK_TYPE, paddingData().subarray(0, dataLength));
		if (partialPaddingChunks.size > 16) partialPaddingChunks.clear();
		partialPaddingChunks.set(dataLength, chunk);
	}
	return chunk;
}

/** Encode an 8-bit RGB image (rgb.length === width*height*3) with optional extra chunks before IDAT. */
export function encodePngHead(
	width: number,
	height: number,
	rgb: Buffer,
	textComment?: string,
): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // colour type: truecolour RGB
	ihdr[10] = 0; // deflate
	ihdr[11] = 0; // adaptive filtering
	ihdr[12] = 0; // no interlace
	const stride = width * 3;
	const raw = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) {
		raw[y * (stride + 1)] = 0; // filter type None
		rgb.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
	}
	const parts = [PNG_SIGNATURE, pngChunk('IHDR', ihdr)];
	if (textComment !== undefined) {
		parts.push(pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.from(textComment, 'latin1')])));
	}
	parts.push(pngChunk('IDAT', deflateSync(raw)));
	return Buffer.concat(parts);
}

/** Full PNG without padding. */
export function encodePng(width: number, height: number, rgb: Buffer, textComment?: string): Buffer {
	return Buffer.concat([encodePngHead(width, height, rgb, textComment), IEND]);
}

export interface ImageSpec {
	width: number;
	height: number;
	/** Target file size in bytes (padding); null/undefined/too small = no padding. */
	imageBytes?: number | null;
}

/** Base colour of an emulated image, derived from sha256(taskid:index). */
export function imageColour(taskid: string, index: number): [number, number, number] {
	const h = createHash('sha256').update(`${taskid}:${index}`).digest();
	return [h[0], h[1], h[2]];
}

/**
 * Pixels: base colour with a gentle gradient (red grows with x, green with y), so every image is
 * distinct (per taskid and index) and not a flat fill.
 */
function imagePixels(taskid: string, index: number, width: number, height: number): Buffer {
	const [r, g, b] = imageColour(taskid, index);
	const rgb = Buffer.alloc(width * height * 3);
	let o = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			rgb[o++] = (r + x) & 0xff;
			rgb[o++] = (g + y) & 0xff;
			rgb[o++] = b;
		}
	}
	return rgb;
}

/**
 * Layout of one served image: a small per-image head (signature..IDAT) plus a list of padding
 * chunk lengths, plus IEND. `size` is the exact Content-Length.
 */
export interface ImagePlan {
	head: Buffer;
	paddingChunkDataLengths: number[];
	size: number;
}

const headCache = new Map<string, Buffer>();

export function planImage(taskid: string, index: number, spec: ImageSpec): ImagePlan {
	const key = `${taskid}\0${index}\0${spec.width}\0${spec.height}`;
	let head = headCache.get(key);
	if (!head) {
		head = encodePngHead(
			spec.width,
			spec.height,
			imagePixels(taskid, index, spec.width, spec.height),
			`tensorslab-emulator taskid=${taskid} index=${index}`,
		);
		if (headCache.size > 64) headCache.clear();
		headCache.set(key, head);
	}
	const lengths: number[] = [];
	const base = head.length + IEND.length;
	let remaining = spec.imageBytes ? Math.floor(spec.imageBytes) - base : 0;
	// Exact size when possible; a remainder under 12 bytes cannot hold a chunk, so the file may be
	// up to 11 bytes larger than asked ("about this many bytes").
	while (remaining > 0) {
		if (remaining >= PADDING_CHUNK_DATA + CHUNK_OVERHEAD) {
			lengths.push(PADDING_CHUNK_DATA);
			remaining -= PADDING_CHUNK_DATA + CHUNK_OVERHEAD;
		} else {
			const len = Math.max(0, remaining - CHUNK_OVERHEAD);
			lengths.push(len);
			remaining = 0;
		}
	}
	const size = base + lengths.reduce((s, l) => s + l + CHUNK_OVERHEAD, 0);
	return { head, paddingChunkDataLengths: lengths, size };
}

/** The pieces of a planned image, in order, as shared Buffers (no copies of the padding). */
export function* imagePieces(plan: ImagePlan): Generator<Buffer> {
	yield plan.head;
	for (const len of plan.paddingChunkDataLengths) yield paddingChunk(len);
	yield IEND;
}

/** The exact bytes the emulator serves for image `index` of `taskid` with these settings. */
export function expectedImageBytes(taskid: string, index: number, spec: ImageSpec = { width: 64, height: 64 }): Buffer {
	return Buffer.concat([...imagePieces(planImage(taskid, index, spec))]);
}

export interface ParsedPng {
	width: number;
	height: number;
	bitDepth: number;
	colourType: number;
	chunks: { type: string; length: number }[];
	text: Record<string, string>;
	/** Raw RGB pixels, when the image is 8-bit RGB without interlace (what the emulator writes). */
	rgb?: Buffer;
}

/**
 * Strict PNG reader used by tests: checks the signature, every chunk CRC, IHDR first, IEND last,
 * and inflates IDAT (unfiltering filter type 0 and the others for 8-bit RGB). Throws on anything wrong.
 */
export function parsePng(buf: Buffer): ParsedPng {
	if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('Not a PNG: bad signature');
	let off = 8;
	const chunks: { type: string; length: number }[] = [];
	const idat: Buffer[] = [];
	const text: Record<string, string> = {};
	let width = 0;
	let height = 0;
	let bitDepth = 0;
	let colourType = 0;
	let interlace = 0;
	while (off < buf.length) {
		if (off + 12 > buf.length) throw new Error('Truncated PNG chunk');
		const len = buf.readUInt32BE(off);
		const type = buf.toString('latin1', off + 4, off + 8);
		if (off + 12 + len > buf.length) throw new Error(`Truncated PNG chunk ${type}`);
		const data = buf.subarray(off + 8, off + 8 + len);
		const crc = buf.readUInt32BE(off + 8 + len);
		if (crc32(buf.subarray(off + 4, off + 8 + len)) !== crc) throw new Error(`Bad CRC in PNG chunk ${type}`);
		if (chunks.length === 0 && type !== 'IHDR') throw new Error('PNG does not start with IHDR');
		chunks.push({ type, length: len });
		if (type === 'IHDR') {
			width = data.readUInt32BE(0);
			height = data.readUInt32BE(4);
			bitDepth = data[8];
			colourType = data[9];
			interlace = data[12];
		} else if (type === 'IDAT') idat.push(data);
		else if (type === 'tEXt') {
			const nul = data.indexOf(0);
			if (nul > 0) text[data.toString('latin1', 0, nul)] = data.toString('latin1', nul + 1);
		}
		off += 12 + len;
		if (type === 'IEND') break;
	}
	if (chunks[chunks.length - 1]?.type !== 'IEND') throw new Error('PNG has no IEND');
	if (off !== buf.length) throw new Error('Data after IEND');
	if (idat.length === 0) throw new Error('PNG has no IDAT');
	const result: ParsedPng = { width, height, bitDepth, colourType, chunks, text };
	const raw = inflateSync(Buffer.concat(idat));
	if (bitDepth === 8 && colourType === 2 && interlace === 0) {
		const stride = width * 3;
		if (raw.length !== (stride + 1) * height) throw new Error('IDAT size does not match IHDR');
		const rgb = Buffer.alloc(stride * height);
		for (let y = 0; y < height; y++) {
			const f = raw[y * (stride + 1)];
			for (let x = 0; x < stride; x++) {
				const v = raw[y * (stride + 1) + 1 + x];
				const a = x >= 3 ? rgb[y * stride + x - 3] : 0;
				const b = y > 0 ? rgb[(y - 1) * stride + x] : 0;
				const c = x >= 3 && y > 0 ? rgb[(y - 1) * stride + x - 3] : 0;
				let p: number;
				if (f === 0) p = 0;
				else if (f === 1) p = a;
				else if (f === 2) p = b;
				else if (f === 3) p = (a + b) >> 1;
				else if (f === 4) {
					const pa = Math.abs(b - c);
					const pb = Math.abs(a - c);
					const pc = Math.abs(a + b - 2 * c);
					p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
				} else throw new Error(`Bad PNG filter type ${f}`);
				rgb[y * stride + x] = (v + p) & 0xff;
			}
		}
		result.rgb = rgb;
	}
	return result;
}
