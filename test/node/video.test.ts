/** Video → Generate and Wait / Generate, and Task with taskType video, against the emulator. */
import type { INodeParameters } from 'n8n-workflow';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expectedImageBytes, parseBoxes } from '../../emulator';
import { JPEG_BYTES, PNG_BYTES, run, useEmulator } from './helpers';

const { emu } = useEmulator();

/** FPS, Generate Audio, Return Last Frame and Seed go into Additional Fields, where the panel puts them. */
const ADDITIONAL = ['fps', 'generateAudio', 'returnLastFrame', 'seed'];

const video = (extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}): INodeParameters => {
	const additionalFields = Object.fromEntries(Object.entries(extra).filter(([name]) => ADDITIONAL.includes(name)));
	const top = Object.fromEntries(Object.entries(extra).filter(([name]) => !ADDITIONAL.includes(name)));
	return {
		resource: 'video',
		operation: 'generateAndWait',
		model: 'seedancev2',
		prompt: 'a lighthouse at dusk',
		...top,
		...(Object.keys(additionalFields).length ? { additionalFields } : {}),
		options: { pollInterval: 0.05, ...options },
	} as INodeParameters;
};

function hasFfprobe(): boolean {
	try {
		execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

describe('Video → Generate and Wait', () => {
	it('sends the parameters, waits through uploading and outputs the MP4 and its JSON', async () => {
		emu().configure({ uploadingMs: 150 });
		const result = await run(emu(), video({ ratio: '16:9', duration: 12, videoResolution: '1440p', fps: 30, seed: 42, generateAudio: true }));
		expect(result.error).toBeUndefined();
		const [generate] = emu().apiRequests('generate');
		expect(generate.path).toBe('/v1/video/seedancev2');
		expect(generate.fields).toEqual({ prompt: ['a lighthouse at dusk'], ratio: ['16:9'], duration: ['12'], resolution: ['1440p'], fps: ['30'], seed: ['42'], generate_audio: ['1'] });
		const taskId = result.items[0].json.taskId as string;
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			taskId,
			model: 'seedancev2',
			status: 'completed',
			url: `${emu().imageOrigin}/videos/${taskId}.mp4`,
			lastFrameUrl: null,
			duration: 12,
			resolution: '1440p',
			ratio: '16:9',
			fps: 30,
			seed: 42,
			prompt: 'a lighthouse at dusk',
		});
		const binary = result.items[0].binary!.data;
		expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: `tensorslab-${taskId}.mp4`, fileExtension: 'mp4', fileType: 'video' });
		expect(result.binaries[0].data.buffer).toEqual(emu().expectedVideoBytes(taskId));
		// The uploading phase (5) was seen and waited through: no download before completion.
		const statuses = emu().apiRequests('videoinfobytaskid').map((r) => r.response?.status);
		expect(statuses.every((s) => s === 200)).toBe(true);
		expect(emu().imageRequests()).toHaveLength(1);
		expect(emu().imageRequests()[0].readAt).toBeGreaterThanOrEqual(emu().videoTasks.get(taskId)!.doneAt);
	});

	it('serves a real MP4: ftyp, moov and mdat, and ffprobe reads it when installed', async () => {
		emu().configure({ videoBytes: 300_000 });
		const result = await run(emu(), video({ model: 'seedancev1profast' }));
		const bytes = result.binaries[0].data.buffer;
		expect(bytes.length).toBe(300_000);
		expect(parseBoxes(bytes).map((b) => b.type)).toEqual(['ftyp', 'moov', 'free', 'mdat', 'free']);
		if (!hasFfprobe()) return;
		const dir = mkdtempSync(path.join(tmpdir(), 'tl-video-'));
		try {
			writeFileSync(path.join(dir, 'v.mp4'), bytes);
			const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', path.join(dir, 'v.mp4')], { encoding: 'utf8' }));
			expect(probe.streams).toEqual([{ codec_name: 'h264', width: 64, height: 64 }]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('with Return Last Frame, also outputs the last frame image under binary lastFrame', async () => {
		const result = await run(emu(), video({ returnLastFrame: true }));
		expect(result.error).toBeUndefined();
		const taskId = result.items[0].json.taskId as string;
		expect(emu().apiRequests('generate')[0].fields.return_last_frame).toEqual(['1']);
		expect(result.items[0].json.lastFrameUrl).toBe(`${emu().imageOrigin}/videos/${taskId}/last-frame.png`);
		expect(result.items[0].binary!.lastFrame).toMatchObject({ mimeType: 'image/png', fileName: `tensorslab-${taskId}-last-frame.png` });
		expect(result.binaries[0].lastFrame.buffer).toEqual(expectedImageBytes(`${taskId}:last-frame`, 0));
	});

	it('sends 1–2 input binaries as repeated sourceImage parts, or an image URL', async () => {
		const binary = { data: { data: PNG_BYTES, mimeType: 'image/png', fileName: 'first.png' }, last: { data: JPEG_BYTES, mimeType: 'image/jpeg', fileName: 'last.jpg' } };
		const result = await run(emu(), video({ model: 'seedancev15pro', binaryPropertyNames: 'data, last' }), { inputItems: [{ json: {}, binary }] });
		expect(result.error).toBeUndefined();
		const files = emu().apiRequests('generate')[0].files;
		expect(files.map((f) => [f.field, f.filename, f.contentType])).toEqual([
			['sourceImage', 'first.png', 'image/png'],
			['sourceImage', 'last.jpg', 'image/jpeg'],
		]);
		emu().clearLog();
		await run(emu(), video({ imageUrl: 'https://example.com/a.png' }, { downloadVideos: false }));
		expect(emu().apiRequests('generate')[0].fields.imageUrl).toEqual(['https://example.com/a.png']);
		expect(emu().imageRequests()).toHaveLength(0);
	});

	it('fails a failed task with TensorsLab\'s message', async () => {
		emu().inject('generate', { kind: 'failTask', message: 'content policy' });
		const result = await run(emu(), video());
		expect(result.error?.message).toMatch(/^TensorsLab could not complete task \w+: content policy$/);
	});

	it('deletes the task after download when asked, on the video endpoint', async () => {
		const result = await run(emu(), video({}, { deleteAfterDownload: true }));
		expect(result.items[0].json.deletedFromTensorsLab).toBe(true);
		expect(emu().apiRequests('deletevideotask').map((r) => r.json)).toEqual([{ taskids: [result.items[0].json.taskId] }]);
	});
});

describe('Video → Generate and Task (taskType video)', () => {
	it('submits only, then Get, Wait and Download and Delete use the video endpoints', async () => {
		emu().configure({ queuedMs: 60_000 });
		const submitted = await run(emu(), { resource: 'video', operation: 'generate', model: 'seedancev2', prompt: 'later' });
		const taskId = submitted.items[0].json.taskId as string;
		expect(submitted.items[0].json).toEqual({ taskId, model: 'seedancev2', status: 'queued', prompt: 'later' });
		const queued = await run(emu(), { resource: 'task', operation: 'get', taskType: 'video', taskId, simplify: false });
		expect(queued.items[0].json).toMatchObject({ taskId, status: 'queued', statusCode: 1, urls: [], lastFrameUrl: null, model: 'seedancev2', ratio: '9:16' });
		emu().completeAllNow();
		const done = await run(emu(), { resource: 'task', operation: 'get', taskType: 'video', taskId, simplify: false });
		expect(done.items[0].json).toMatchObject({ status: 'completed', statusCode: 3, urls: [`${emu().imageOrigin}/videos/${taskId}.mp4`], duration: 5, resolution: '1080p' });
		expect(Object.keys(done.items[0].json)).toHaveLength(14);
		// Simplify (the default): the ten most used fields of a video task.
		const simple = await run(emu(), { resource: 'task', operation: 'get', taskType: 'video', taskId });
		expect(Object.keys(simple.items[0].json)).toEqual(['taskId', 'status', 'model', 'urls', 'lastFrameUrl', 'duration', 'resolution', 'ratio', 'fps', 'errorMessage']);
		expect(simple.items[0].json).toMatchObject({ taskId, status: 'completed', model: 'seedancev2', duration: 5, resolution: '1080p' });
		const waited = await run(emu(), { resource: 'task', operation: 'waitAndDownload', taskType: 'video', taskId, options: {} });
		expect(waited.items[0].binary!.data.mimeType).toBe('video/mp4');
		expect(waited.items[0].json.model).toBe('seedancev2');
		const deleted = await run(emu(), { resource: 'task', operation: 'delete', taskType: 'video', taskIds: taskId });
		expect(deleted.items[0].json).toEqual({ deleted: true, taskIds: [taskId] });
		expect(emu().apiRequests('infobytaskid')).toHaveLength(0);
		expect(emu().apiRequests('deletevideotask')).toHaveLength(1);
		const gone = await run(emu(), { resource: 'task', operation: 'get', taskType: 'video', taskId });
		expect(gone.error?.message).toBe(`Could not get video task ${taskId}: TensorsLab refused the request (HTTP 404): Task not found`);
	});

	it('reports the uploading phase (5) as uploading and waits on it', async () => {
		emu().configure({ queuedMs: 0, processingMs: 0, uploadingMs: 60_000 });
		const submitted = await run(emu(), { resource: 'video', operation: 'generate', model: 'seedancev2', prompt: 'p' });
		const taskId = submitted.items[0].json.taskId as string;
		const got = await run(emu(), { resource: 'task', operation: 'get', taskType: 'video', taskId, simplify: false });
		expect(got.items[0].json).toMatchObject({ status: 'uploading', statusCode: 5, urls: [] });
		const waited = await run(emu(), { resource: 'task', operation: 'waitAndDownload', taskType: 'video', taskId, options: { timeout: 0.5, pollInterval: 0.1, onTimeout: 'returnPending' } });
		expect(waited.items[0].json).toMatchObject({ taskId, status: 'pending', statusCode: 5 });
		expect(emu().imageRequests()).toHaveLength(0);
	});
});
