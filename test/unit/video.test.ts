/** Video: the poll budget of long tasks, the request builder and the MP4 check, without n8n. */
import { SAMPLE_MP4, expectedVideoBytes, parseBoxes } from '../../emulator';
import { nextPollDelay } from '../../nodes/TensorsLab/helpers/pollSchedule';
import { parseTaskInfo } from '../../nodes/TensorsLab/helpers/status';
import { sniffVideoType } from '../../nodes/TensorsLab/helpers/videoType';
import { buildVideoRequest } from '../../nodes/TensorsLab/helpers/videoValidation';
import { TASK_KINDS } from '../../nodes/TensorsLab/taskKinds';

/** Status requests (video's own schedule) until a task of `durationMs` is seen completed, and how late that is. */
function pollsUntil(durationMs: number): { requests: number; lagMs: number } {
	let elapsed = 0;
	let requests = 0;
	for (;;) {
		requests++;
		if (elapsed >= durationMs) return { requests, lagMs: elapsed - durationMs };
		elapsed += nextPollDelay(elapsed, { schedule: TASK_KINDS.video.poll });
	}
}

describe('adaptive polling of video tasks', () => {
	it('notices a 10-minute task within 10 s of completing, with at most 70 status requests', () => {
		// Up to exactly 10 minutes: a task still running then costs one more request every 10 s.
		for (let seconds = 540; seconds <= 600; seconds += 0.25) {
			const { requests, lagMs } = pollsUntil(seconds * 1000);
			expect(lagMs).toBeLessThanOrEqual(10_000);
			expect(requests).toBeLessThanOrEqual(70);
		}
	});
});

describe('buildVideoRequest', () => {
	it('sends only what is set, with the API names', () => {
		expect(buildVideoRequest({ model: 'seedancev2', prompt: 'p', ratio: 'apiDefault', duration: '', videoResolution: 'apiDefault', fps: '', seed: '' })).toEqual({
			model: 'seedancev2',
			endpoint: '/v1/video/seedancev2',
			fields: [['prompt', 'p']],
			files: [],
		});
		const request = buildVideoRequest({ model: 'seedancev15pro', prompt: 'p', ratio: '21:9', duration: '10', videoResolution: '1080p', fps: 24, seed: 0 });
		expect(request.fields).toEqual([['prompt', 'p'], ['ratio', '21:9'], ['duration', '10'], ['resolution', '1080p'], ['fps', '24'], ['seed', '0']]);
	});

	it('refuses what the model lacks, naming the parameter', () => {
		expect(() => buildVideoRequest({ model: 'seedancev1profast', prompt: 'p', duration: 15 })).toThrow(expect.objectContaining({ parameter: 'duration' }));
		expect(() => buildVideoRequest({ model: 'seedancev15pro', prompt: 'p', videoResolution: '1440p' })).toThrow(expect.objectContaining({ parameter: 'videoResolution' }));
		expect(() => buildVideoRequest({ model: 'seedancev15pro', prompt: 'p', returnLastFrame: 'true' })).toThrow(expect.objectContaining({ parameter: 'returnLastFrame' }));
		expect(() => buildVideoRequest({ model: 'seedancev2', prompt: '😀'.repeat(8193) })).toThrow(/at most 8192 characters, got 8193/);
		expect(buildVideoRequest({ model: 'seedancev2', prompt: '😀'.repeat(8192) }).fields[0][1]).toHaveLength(16384);
	});
});

describe('video status and files', () => {
	it('reads a video status answer: task_status, message, source, imageurl', () => {
		const info = parseTaskInfo(
			TASK_KINDS.video,
			{ taskid: 't', url: ['https://x/v.mp4'], task_status: 4, message: 'policy', source: 'seedancev2', imageurl: 'https://x/f.png', duration: 5, fps: '24', seed: 7, ratio: '9:16', resolution: '720p' },
			't',
		);
		expect(info).toMatchObject({ status: 'failed', errorMessage: 'policy', category: 'seedancev2', lastFrameUrl: 'https://x/f.png', fps: 24, seed: 7, duration: 5 });
		expect(parseTaskInfo(TASK_KINDS.video, { task_status: 5 }, 't').status).toBe('uploading');
		expect(parseTaskInfo(TASK_KINDS.video, { task_status: 6 }, 't').status).toBe('unknown');
	});

	it('recognises an MP4 by its ftyp box, and the emulator\'s files are whole ISO-BMFF files', () => {
		expect(sniffVideoType(SAMPLE_MP4)).toEqual({ mimeType: 'video/mp4', extension: 'mp4' });
		expect(sniffVideoType(Buffer.from('\x89PNG\r\n\x1a\n0000'))).toBeUndefined();
		expect(parseBoxes(SAMPLE_MP4).map((b) => b.type)).toEqual(['ftyp', 'moov', 'free', 'mdat']);
		for (const size of [null, 10_000, 3 * 1024 * 1024 + 5]) {
			const file = expectedVideoBytes('abcd_1', size);
			if (size) expect(file.length).toBe(size);
			const boxes = parseBoxes(file);
			expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'moov', 'free', 'mdat', 'free']);
		}
	});
});
