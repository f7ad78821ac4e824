/**
 * The MP4 files the emulator serves as video results: the sample MP4 (mp4-sample.ts, a real
 * ISO-BMFF file that ffprobe reads), followed by a top-level `free` box that names the task and,
 * when a size is set, pads the file to exactly that size. Players and ffprobe skip `free` boxes.
 * The padding is one shared 1 MiB block repeated, so a 200 MB file costs no 200 MB of memory.
 */
import { SAMPLE_MP4_BASE64 } from './mp4-sample';

export const SAMPLE_MP4 = Buffer.from(SAMPLE_MP4_BASE64, 'base64');

const BLOCK = Buffer.alloc(1024 * 1024, 0);

/** Layout of one served video: the sample, the `free` box header and its text, then padding bytes. */
export interface VideoPlan {
	head: Buffer;
	paddingBytes: number;
	size: number;
}

/** ISO-BMFF box header for a box of `size` bytes in all: a 32-bit size, or 1 and a 64-bit size from 4 GiB on. */
function boxHeader(type: string, size: number): Buffer {
	if (size <= 0xffffffff) {
		const header = Buffer.alloc(8);
		header.writeUInt32BE(size, 0);
		header.write(type, 4, 'latin1');
		return header;
	}
	const header = Buffer.alloc(16);
	header.writeUInt32BE(1, 0);
	header.write(type, 4, 'latin1');
	header.writeBigUInt64BE(BigInt(size), 8);
	return header;
}

/** `videoBytes`: the file's size (null = the sample plus a small `free` box; smaller sizes give that too). */
export function planVideo(taskid: string, videoBytes: number | null): VideoPlan {
	const text = Buffer.from(`tensorslab-emulator taskid=${taskid}`, 'latin1');
	const minimal = SAMPLE_MP4.length + 8 + text.length;
	const size = Math.max(minimal, Math.floor(videoBytes ?? 0));
	const boxSize = size - SAMPLE_MP4.length;
	const header = boxHeader('free', boxSize);
	const head = Buffer.concat([SAMPLE_MP4, header, text]);
	return { head, paddingBytes: size - head.length, size };
}

export function* videoPieces(plan: VideoPlan): Generator<Buffer> {
	yield plan.head;
	for (let left = plan.paddingBytes; left > 0; left -= BLOCK.length) yield left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left);
}

/** The exact bytes the emulator serves as the video of `taskid` with this size setting. */
export function expectedVideoBytes(taskid: string, videoBytes: number | null = null): Buffer {
	return Buffer.concat([...videoPieces(planVideo(taskid, videoBytes))]);
}

/** The top-level boxes of an ISO-BMFF file: type, offset and size. Throws if they do not tile it. */
export function parseBoxes(file: Buffer): Array<{ type: string; offset: number; size: number }> {
	const boxes: Array<{ type: string; offset: number; size: number }> = [];
	for (let offset = 0; offset < file.length; ) {
		if (offset + 8 > file.length) throw new Error(`truncated box header at ${offset}`);
		let size = file.readUInt32BE(offset);
		const type = file.toString('latin1', offset + 4, offset + 8);
		if (size === 1) size = Number(file.readBigUInt64BE(offset + 8));
		if (size === 0) size = file.length - offset;
		if (size < 8 || offset + size > file.length) throw new Error(`box ${type} at ${offset} has a bad size ${size}`);
		boxes.push({ type, offset, size });
		offset += size;
	}
	return boxes;
}
