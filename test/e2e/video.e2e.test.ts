/**
 * End to end, video: our packed community package inside a real n8n (2.x and 1.123.x), driven by
 * n8n's own CLI against the emulator, as test/e2e/n8n.e2e.test.ts does for images (same helpers,
 * from scripts/lib/n8n-runtime.js; run with `npx jest -c test/e2e/jest.config.js`).
 *
 * For each pinned n8n line, in a fresh user folder:
 *  - example 07 (text to video, SeeDance 2.0): the MP4 n8n writes to disk is the file the emulator
 *    served (an ISO-BMFF `ftyp` file that ffprobe reads, when installed), the request carried the
 *    prompt and fields, the status polls went through the uploading phase (task_status 5), and
 *    the result host never saw the key;
 *  - example 08 (image to video): the image generated earlier in the workflow is the sourceImage
 *    of the video request, byte for byte;
 *  - Video → Generate, then Task → Wait and Download, Get and Delete with Task Type Video: only
 *    the /v1/video/ status and delete endpoints are asked;
 *  - a failed video task: n8n reports TensorsLab's message;
 *  - the API key never appears in anything n8n printed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as n8n from '../../scripts/lib/n8n-runtime';
import type { ExecuteResult, N8nBinary, N8nItem, Runtime } from '../../scripts/lib/n8n-runtime';
import { parseBoxes, startEmulator, type Emulator, type RecordedRequest } from '../../emulator';

const LINES = (process.env.TENSORSLAB_E2E_LINES ?? '2,1')
	.split(',')
	.map((s) => s.trim().replace(/\.x$/, ''))
	.filter(Boolean);
const AUTO_INSTALL = process.env.TENSORSLAB_E2E_NO_INSTALL !== '1';

const RUN_ROOT = path.join(n8n.REPO_ROOT, '.e2e', `video-run-${new Date().toISOString().replace(/[:.]/g, '-')}`);

// By workflow ID, not by file-name number: two examples can share a number (07-ai-agent-images.json).
const EXAMPLES = n8n.loadExamples();
const example = (id: string) => {
	const found = EXAMPLES.find((e) => e.workflow.id === id);
	if (!found) throw new Error(`no example in examples/ has the workflow id ${id}`);
	return found.workflow;
};
const EX07 = example('tlEx07TextToVideo');
const EX08 = example('tlEx08ImageToVideo');

/**
 * Emulator timing: a video task is queued 0.1 s, processing 0.3 s, then uploading (task_status 5)
 * for 1.5 s, longer than the node's poll interval there (at most 0.76 s), so at least one status
 * poll lands in it. Videos are 1.5 MB (the sample MP4 padded with a `free` box), so 2.x's
 * filesystem binary mode streams a file of some size.
 */
const TIMING = { queuedMs: 100, processingMs: 300, uploadingMs: 1500 };
const VIDEO_BYTES = 1_500_000;

const TASK_WF = 'tlE2eVideoTasks';
const SUBMIT = 'Submit Video';
const fromSubmit = `={{ $('${SUBMIT}').first().json.taskId }}`;

/** Video → Generate, then Task → Wait and Download, Get and Delete, all with Task Type Video. */
function videoTaskWorkflow(): object {
	const credentials = { tensorsLabApi: { ...n8n.EXAMPLE_CREDENTIAL } };
	const node = (name: string, x: number, parameters: Record<string, unknown>) => ({
		parameters,
		id: `00000000-0000-4000-8000-${String(x).padStart(12, '0')}`,
		name,
		type: 'n8n-nodes-tensorslab.tensorsLab',
		typeVersion: 1,
		position: [x, 0],
		credentials,
	});
	const nodes = [
		{ parameters: {}, id: '00000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
		node(SUBMIT, 220, { resource: 'video', operation: 'generate', model: 'seedancev1profast', prompt: 'A paper plane gliding over rooftops', videoResolution: '480p', options: {} }),
		node('Wait and Download', 440, { resource: 'task', operation: 'waitAndDownload', taskType: 'video', taskId: fromSubmit, options: {} }),
		node('Get Task', 660, { resource: 'task', operation: 'get', taskType: 'video', taskId: fromSubmit }),
		node('Delete Task', 880, { resource: 'task', operation: 'delete', taskType: 'video', taskIds: fromSubmit }),
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id: TASK_WF, name: 'e2e: video task get, wait, delete', active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {}, tags: [] };
}

const FFPROBE = (() => {
	try {
		execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

let tarball: string;

beforeAll(async () => {
	n8n.pruneRuns(path.dirname(RUN_ROOT), 'video-run-');
	tarball = await n8n.buildAndPack(path.join(RUN_ROOT, 'pack'), { build: AUTO_INSTALL });
}, 300_000);

describe.each(LINES)('video, n8n line %s', (line) => {
	let runtime: Runtime = n8n.resolveRuntime(line);
	const base = path.join(RUN_ROOT, `n8n-${runtime.version}`);
	const userFolder = path.join(base, 'user');
	const outputDir = path.join(base, 'output');
	let emu: Emulator;
	let env: NodeJS.ProcessEnv;
	const printed: string[] = [];
	const timings: Array<{ what: string; ms: number }> = [];

	const cli = async <T extends { stdout: string; stderr: string; ms: number }>(what: string, fn: () => Promise<T>): Promise<T> => {
		const res = await fn();
		printed.push(res.stdout, res.stderr);
		timings.push({ what, ms: res.ms });
		return res;
	};
	const execute = (id: string) => cli(`execute ${id}`, () => n8n.executeWorkflow(runtime, env, id));
	const expectSuccess = (res: ExecuteResult) => {
		n8n.assertExecutionOk(res);
		expect(res.code).toBe(0);
		expect(res.execution?.status).toBe('success');
	};
	const output = (res: ExecuteResult, node: string): N8nItem[] => n8n.requireNodeOutput(res.execution, node);
	const bytesOf = (binary: N8nBinary | undefined): Buffer => {
		expect(binary).toBeDefined();
		const bytes = n8n.binaryBytes(userFolder, binary!);
		expect(bytes).toBeDefined();
		return bytes!;
	};
	const outputFiles = () => fs.readdirSync(outputDir).sort();
	const sha = n8n.sha256;

	/** The video item of a Generate and Wait / Wait and Download, its binary the MP4 served. */
	const expectVideoItem = (item: N8nItem, model: string): string => {
		const taskId = String(item.json.taskId);
		expect(item.json).toMatchObject({ taskId: expect.any(String), model, status: 'completed', url: `${emu.imageOrigin}/videos/${taskId}.mp4` });
		const binary = item.binary?.data;
		expect(binary).toMatchObject({ mimeType: 'video/mp4', fileExtension: 'mp4', fileName: `tensorslab-${taskId}.mp4` });
		const bytes = bytesOf(binary);
		expect(bytes.length).toBe(VIDEO_BYTES);
		expect(sha(bytes)).toBe(sha(emu.expectedVideoBytes(taskId)));
		return taskId;
	};
	/** A written MP4: an ISO-BMFF file (ftyp first), identical to what the emulator served, and ffprobe reads it. */
	const expectWrittenMp4 = (file: string, taskId: string) => {
		const bytes = fs.readFileSync(path.join(outputDir, file));
		expect(bytes.toString('latin1', 4, 8)).toBe('ftyp');
		expect(parseBoxes(bytes).map((b) => b.type)).toEqual(['ftyp', 'moov', 'free', 'mdat', 'free']);
		expect(sha(bytes)).toBe(sha(emu.expectedVideoBytes(taskId)));
		if (!FFPROBE) return;
		const probe = JSON.parse(
			execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', path.join(outputDir, file)], { encoding: 'utf8' }),
		);
		expect(probe.streams).toEqual([{ codec_name: 'h264', codec_type: 'video', width: 64, height: 64 }]);
	};
	/** The key went to every API request, and to no request to the result host. */
	const expectKeyOnlyToApi = () => {
		const api = emu.log.filter((r) => r.origin === 'api');
		expect(api.length).toBeGreaterThan(0);
		for (const r of api) expect(r.headers.authorization).toBe(`Bearer ${emu.apiKey}`);
		expect(emu.imageRequests().length).toBeGreaterThan(0);
		for (const r of emu.imageRequests()) expect(r.headers.authorization).toBeUndefined();
	};
	/** task_status the emulator reported to a status request (computed at its arrival time). */
	const reportedStatus = (r: RecordedRequest): number => {
		const taskid = (r.json as { taskid: string }).taskid;
		return emu.videoTasks.get(taskid)!.statusAt(r.time);
	};

	beforeAll(async () => {
		runtime = await n8n.ensureRuntime(line, { install: AUTO_INSTALL });
		if (!runtime.installed) throw new Error(`n8n ${runtime.version} is not installed in ${runtime.dir}: run scripts/install-n8n.sh ${line}`);
		fs.mkdirSync(outputDir, { recursive: true });
		emu = await startEmulator({ ...TIMING, videoBytes: VIDEO_BYTES });
		env = n8n.n8nEnv(runtime, { userFolder, fileAccess: [outputDir], extra: { TENSORSLAB_OUTPUT_DIR: outputDir } });
		await n8n.installCommunityPackage(userFolder, tarball);
		await cli('import:credentials', () => n8n.importCredentials(runtime, env, [n8n.tensorsLabCredential({ apiKey: emu.apiKey, baseUrl: emu.url })]));
		await cli('import:workflow', () => n8n.importWorkflows(runtime, env, [EX07, EX08, videoTaskWorkflow()]));
	}, 50 * 60 * 1000);

	beforeEach(() => {
		emu?.reset();
		if (fs.existsSync(outputDir)) for (const f of fs.readdirSync(outputDir)) fs.rmSync(path.join(outputDir, f), { recursive: true });
	});

	afterAll(async () => {
		await emu?.close();
		if (timings.length) {
			fs.mkdirSync(base, { recursive: true });
			fs.writeFileSync(path.join(base, 'timings.json'), JSON.stringify(timings, null, 2));
			console.log(`n8n ${runtime.version} video timings (ms):\n${timings.map((t) => `  ${t.what}: ${t.ms}`).join('\n')}`);
		}
	});

	test('07 text to video (SeeDance 2.0): the MP4 written to disk is the one served, after the uploading phase', async () => {
		const res = await execute(EX07.id);
		expectSuccess(res);
		const items = output(res, 'Generate Video');
		expect(items).toHaveLength(1);
		const taskId = expectVideoItem(items[0], 'seedancev2');
		expect(items[0].json).toMatchObject({
			lastFrameUrl: null,
			duration: 5,
			resolution: '720p',
			ratio: '16:9',
			fps: 24,
			seed: expect.any(Number),
			prompt: 'A lighthouse on a cliff at dusk, waves rolling in, slow aerial shot',
		});
		expect(output(res, 'Write Video File')).toHaveLength(1);
		expect(outputFiles()).toEqual([`text-to-video-${taskId}.mp4`]);
		expectWrittenMp4(`text-to-video-${taskId}.mp4`, taskId);

		const gen = emu.apiRequests('generate');
		expect(gen).toHaveLength(1);
		expect(gen[0].path).toBe('/v1/video/seedancev2');
		expect(gen[0].fields).toEqual({
			prompt: ['A lighthouse on a cliff at dusk, waves rolling in, slow aerial shot'],
			ratio: ['16:9'],
			duration: ['5'],
			resolution: ['720p'],
		});
		expect(gen[0].files).toHaveLength(0);

		// Polled on the video endpoint only, through task_status 5, and downloaded once completed.
		const polls = emu.apiRequests('videoinfobytaskid');
		expect(emu.apiRequests('infobytaskid')).toHaveLength(0);
		for (const p of polls) expect([p.path, p.json, p.response?.status]).toEqual(['/v1/video/infobytaskid', { taskid: taskId }, 200]);
		const statuses = polls.map(reportedStatus);
		expect(statuses).toContain(5);
		expect(statuses[statuses.length - 1]).toBe(3);
		expect(statuses.indexOf(5)).toBeLessThan(statuses.indexOf(3));
		const downloads = emu.imageRequests();
		expect(downloads.map((r) => [r.method, r.path, r.response?.status])).toEqual([['GET', `/videos/${taskId}.mp4`, 200]]);
		expect(downloads[0].readAt).toBeGreaterThanOrEqual(emu.videoTasks.get(taskId)!.doneAt);
		expectKeyOnlyToApi();
		timings.push({ what: `07: ${polls.length} status polls, statuses ${statuses.join(',')}`, ms: 0 });
	});

	test('08 image to video: the image generated earlier in the workflow is the sourceImage of the video request', async () => {
		const res = await execute(EX08.id);
		expectSuccess(res);
		const images = output(res, 'Generate Image');
		expect(images).toHaveLength(1);
		const imageId = String(images[0].json.taskId);
		expect(images[0].json).toMatchObject({ model: 'seedreamv45', status: 'completed', width: 2560, height: 1440 });
		const served = emu.expectedImageBytes(imageId, 0);
		expect(sha(bytesOf(images[0].binary?.data))).toBe(sha(served));

		const videos = output(res, 'Animate Image');
		expect(videos).toHaveLength(1);
		const videoId = expectVideoItem(videos[0], 'seedancev15pro');
		expect(videos[0].json).toMatchObject({ ratio: 'adaptive', duration: 5, prompt: 'The boat drifts slowly, gentle ripples, soft morning light' });
		expect(outputFiles()).toEqual([`image-to-video-${imageId}.png`, `image-to-video-${videoId}.mp4`].sort());
		expect(sha(fs.readFileSync(path.join(outputDir, `image-to-video-${imageId}.png`)))).toBe(sha(served));
		expectWrittenMp4(`image-to-video-${videoId}.mp4`, videoId);

		const gen = emu.apiRequests('generate');
		expect(gen.map((r) => r.path)).toEqual(['/v1/images/seedreamv45', '/v1/video/seedancev15pro']);
		expect(gen[1].fields).toEqual({ prompt: ['The boat drifts slowly, gentle ripples, soft morning light'], ratio: ['adaptive'], duration: ['5'] });
		expect(gen[1].files).toHaveLength(1);
		const source = gen[1].files[0];
		expect([source.field, source.filename, source.contentType]).toEqual(['sourceImage', `tensorslab-${imageId}-0.png`, 'image/png']);
		expect(sha(source.bytes)).toBe(sha(served));
		expect(emu.videoTasks.get(videoId)?.files.map((f) => f.sha256)).toEqual([sha(served)]);
		expectKeyOnlyToApi();
	});

	test('Task → Wait and Download, Get and Delete with Task Type Video use the /v1/video/ endpoints', async () => {
		const res = await execute(TASK_WF);
		expectSuccess(res);
		const submitted = output(res, SUBMIT);
		expect(submitted).toHaveLength(1);
		const taskId = String(submitted[0].json.taskId);
		expect(submitted[0].json).toMatchObject({ model: 'seedancev1profast', prompt: 'A paper plane gliding over rooftops' });
		expect(submitted[0].binary).toBeUndefined();

		const waited = output(res, 'Wait and Download');
		expect(waited).toHaveLength(1);
		expect(expectVideoItem(waited[0], 'seedancev1profast')).toBe(taskId);

		const got = output(res, 'Get Task');
		expect(got).toHaveLength(1);
		// Simplify is on by default: the ten fields of a video task's simplified answer.
		expect(got[0].json).toMatchObject({
			taskId,
			status: 'completed',
			urls: [`${emu.imageOrigin}/videos/${taskId}.mp4`],
			model: 'seedancev1profast',
			resolution: '480p',
			duration: 5,
		});
		expect(Object.keys(got[0].json)).toEqual(['taskId', 'status', 'model', 'urls', 'lastFrameUrl', 'duration', 'resolution', 'ratio', 'fps', 'errorMessage']);
		expect(output(res, 'Delete Task').map((i) => i.json)).toEqual([{ deleted: true, taskIds: [taskId] }]);

		expect(emu.apiRequests('generate').map((r) => [r.path, r.fields])).toEqual([
			['/v1/video/seedancev1profast', { prompt: ['A paper plane gliding over rooftops'], resolution: ['480p'] }],
		]);
		const polls = emu.apiRequests('videoinfobytaskid');
		expect(polls.length).toBeGreaterThanOrEqual(2); // Wait and Download's polls, then Get's one
		for (const p of polls) expect([p.path, p.json]).toEqual(['/v1/video/infobytaskid', { taskid: taskId }]);
		const deletes = emu.apiRequests('deletevideotask');
		expect(deletes.map((r) => [r.path, r.json, r.response?.status])).toEqual([['/v1/video/deletevideotask', { taskids: [taskId] }, 200]]);
		expect(emu.videoTasks.get(taskId)?.deleted).toBe(true);
		// Nothing went to the image task endpoints.
		expect(emu.apiRequests('infobytaskid')).toHaveLength(0);
		expect(emu.apiRequests('deleteimagestask')).toHaveLength(0);
		expectKeyOnlyToApi();
	});

	test('a failed video task: n8n reports the failure with TensorsLab\'s message and writes nothing', async () => {
		emu.inject('seedancev2', { kind: 'failTask', message: 'e2e: the video model refused this prompt' }, 1);
		const res = await execute(EX07.id);
		expect(res.ok).toBe(false);
		expect(res.code).not.toBe(0);
		expect(res.execution?.status).toBe('error');
		expect(res.error?.message).toMatch(/^TensorsLab could not complete task \S+: e2e: the video model refused this prompt$/);
		expect(res.execution?.data.resultData.lastNodeExecuted).toBe('Generate Video');
		expect(n8n.nodeOutput(res.execution, 'Write Video File')).toBeUndefined();
		expect(outputFiles()).toHaveLength(0);
		const polls = emu.apiRequests('videoinfobytaskid');
		expect(polls.length).toBeGreaterThan(0);
		expect(reportedStatus(polls[polls.length - 1])).toBe(4);
		expect(emu.imageRequests()).toHaveLength(0);
		timings.push({ what: `error reported (failed video task): ${res.error?.message ?? '?'}`, ms: 0 });
	});

	test('no API key appears in anything n8n printed', () => {
		const all = printed.join('\n');
		expect(all.length).toBeGreaterThan(0);
		expect(all.includes(emu.apiKey)).toBe(false);
	});
});
