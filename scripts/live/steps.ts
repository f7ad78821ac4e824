/**
 * The steps of the live check, each run as a workflow runs it: the credential's Test and the node
 * itself inside n8n-core (test/harness), against the Base URL given. Cheapest first: the Test is
 * free; one Z-Image Generate and Wait is the one image paid for; quick edit and video only when
 * asked. Every task made is deleted again.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode, testCredential, type RunNodeResult } from '../../test/harness';
import { DOCUMENTED, checkDelete, checkTaskRun, envelopeOf } from './api-facts';
import type { FactSheet, LiveReport } from './report';
import type { WireRecorder } from './wire';

export interface LiveTarget {
	baseUrl: string;
	/** The Base URL's origin: what the recorder keeps bodies of. */
	origin: string;
	apiKey: string;
	edit: boolean;
	video: boolean;
}

interface Context {
	target: LiveTarget;
	sheet: FactSheet;
	wire: WireRecorder;
	steps: LiveReport['steps'];
}

const IMAGE_PROMPT = 'A single red apple on a white table, soft studio light';
const EDIT_PROMPT = 'Make the table top blue';
const VIDEO_PROMPT = 'A red apple slowly rolls across a white table';

/** Runs the node once and returns its result with the wire records of that run. */
async function step(ctx: Context, name: string, parameters: INodeParameters, timeoutMs: number): Promise<{ result?: RunNodeResult; records: ReturnType<WireRecorder['since']>; error?: string }> {
	const from = ctx.wire.records.length;
	ctx.steps.push({ name, ran: true });
	try {
		const result = await runNode({ parameters, credentials: { apiKey: ctx.target.apiKey, baseUrl: ctx.target.baseUrl }, timeoutMs });
		return { result, records: ctx.wire.since(from), error: result.error?.message };
	} catch (error) {
		return { records: ctx.wire.since(from), error: (error as Error).message };
	}
}

function skip(ctx: Context, name: string, note: string): void {
	ctx.steps.push({ name, ran: false, note });
}

const json = (result: RunNodeResult | undefined, index = 0): IDataObject => result?.items[index]?.json ?? {};

/** Task → Get, Task → Delete, then Task → Get again, which must say the task is gone. */
async function getDeleteGone(ctx: Context, kind: 'image' | 'video', taskIds: string[], expectedUrls: unknown): Promise<void> {
	const { sheet } = ctx;
	const taskType = kind;
	const got = await step(ctx, `Task → Get (${kind})`, { resource: 'task', operation: 'get', taskType, taskId: taskIds[0], simplify: false }, 60_000);
	const info = json(got.result);
	sheet.check(
		`${kind}.task.get`,
		'Task → Get reports the finished task: completed (3), the same result URLs, and its start time (images)',
		!got.error && info.status === 'completed' && info.statusCode === 3 && JSON.stringify(info.urls) === JSON.stringify(expectedUrls) && (kind === 'video' || typeof info.startTime === 'string'),
		got.error ?? `status ${String(info.status)} (${String(info.statusCode)}), ${Array.isArray(info.urls) ? info.urls.length : 0} URLs, startTime ${JSON.stringify(info.startTime)}`,
	);
	const deleted = await step(ctx, `Task → Delete (${kind})`, { resource: 'task', operation: 'delete', taskType, taskIds: taskIds.join(',') }, 60_000);
	checkDelete(sheet, `${kind}.task.delete`, DOCUMENTED[kind], deleted.records, ctx.target.origin);
	const gone = await step(ctx, `Task → Get after Delete (${kind})`, { resource: 'task', operation: 'get', taskType, taskId: taskIds[0] }, 60_000);
	const answer = gone.records.find((r) => r.origin === ctx.target.origin && r.path.endsWith(DOCUMENTED[kind].statusPath));
	const seen = `${gone.error ? `the node said: ${gone.error}` : `the node reported ${JSON.stringify(json(gone.result).status)}`}; HTTP ${answer?.status ?? 'none'}, code ${JSON.stringify(envelopeOf(answer)?.code)}`;
	sheet.check(`${kind}.task.gone`, 'After Task → Delete, Task → Get fails: the task is gone', gone.error !== undefined && answer !== undefined, seen);
	if (kind === 'video') sheet.check('video.task.gone.404', 'A deleted (unknown) video task answers HTTP 404', answer?.status === 404, seen);
}

/** One Z-Image Generate and Wait (the cheapest paid step), optionally a quick edit of its result. */
async function imageSteps(ctx: Context): Promise<void> {
	const { sheet, target } = ctx;
	const run = await step(ctx, 'Image → Generate and Wait, Z-Image (one 1024×1024 image)', { resource: 'image', operation: 'generateAndWait', model: 'zimage', prompt: IMAGE_PROMPT, options: {} }, 600_000);
	const item = json(run.result);
	const binary = run.result?.items[0]?.binary?.data;
	sheet.check(
		'image.generate-and-wait',
		'Z-Image Generate and Wait outputs one item with one PNG image (Z-Image always makes one PNG)',
		!run.error && run.result?.items.length === 1 && binary?.mimeType === 'image/png',
		run.error ?? `${run.result?.items.length ?? 0} items, binary ${binary?.mimeType ?? 'none'}`,
	);
	checkTaskRun(sheet, 'image', DOCUMENTED.image, '/v1/images/zimage', run.records, target.origin, 1);
	const taskId = typeof item.taskId === 'string' ? item.taskId : undefined;
	if (!taskId) {
		skip(ctx, 'Task → Get, Delete and Get again (image)', 'no task was made');
		return;
	}
	const statusUrls = run.records.filter((r) => r.path.endsWith(DOCUMENTED.image.statusPath)).map((r) => envelopeOf(r)?.data?.url);
	const taskIds = [taskId];
	if (target.edit && typeof item.url === 'string') {
		const edit = await step(ctx, 'Image → Edit (quick edit of the result, by its URL)', { resource: 'image', operation: 'edit', prompt: EDIT_PROMPT, imageUrl: item.url, options: {} }, 600_000);
		const edited = json(edit.result);
		sheet.check('edit.generate-and-wait', 'Image → Edit outputs one item with one image', !edit.error && edit.result?.items.length === 1 && !!edit.result.items[0].binary?.data, edit.error ?? `${edit.result?.items.length ?? 0} items`);
		checkTaskRun(sheet, 'edit', DOCUMENTED.image, '/v1/images/quickedit', edit.records, target.origin);
		if (typeof edited.taskId === 'string') taskIds.push(edited.taskId);
	} else {
		skip(ctx, 'Image → Edit (quick edit)', target.edit ? 'no result URL to edit' : 'costs credits; run with --edit');
	}
	await getDeleteGone(ctx, 'image', taskIds, statusUrls[statusUrls.length - 1]);
}

/** One SeeDance 1.0 Pro Fast video of 5 s at 480p: the least a video can cost. */
async function videoSteps(ctx: Context): Promise<void> {
	const { sheet, target } = ctx;
	const parameters = { resource: 'video', operation: 'generateAndWait', model: 'seedancev1profast', prompt: VIDEO_PROMPT, duration: 5, videoResolution: '480p', options: {} };
	const run = await step(ctx, 'Video → Generate and Wait, SeeDance 1.0 Pro Fast, 5 s at 480p', parameters, 2_400_000);
	const binary = run.result?.items[0]?.binary?.data;
	sheet.check('video.generate-and-wait', 'Video Generate and Wait outputs one item with one MP4 video', !run.error && run.result?.items.length === 1 && binary?.mimeType === 'video/mp4', run.error ?? `binary ${binary?.mimeType ?? 'none'}`);
	checkTaskRun(sheet, 'video', DOCUMENTED.video, '/v1/video/seedancev1profast', run.records, target.origin, 1);
	const taskId = json(run.result).taskId;
	if (typeof taskId !== 'string') return skip(ctx, 'Task → Get, Delete and Get again (video)', 'no task was made');
	const statusUrls = run.records.filter((r) => r.path.endsWith(DOCUMENTED.video.statusPath)).map((r) => envelopeOf(r)?.data?.url);
	await getDeleteGone(ctx, 'video', [taskId], statusUrls[statusUrls.length - 1]);
}

/** Runs every step that applies; facts go to `sheet`, the steps' list to `steps`. */
export async function runLiveSteps(target: LiveTarget, sheet: FactSheet, wire: WireRecorder, steps: LiveReport['steps']): Promise<void> {
	const ctx: Context = { target, sheet, wire, steps };
	const from = wire.records.length;
	steps.push({ name: 'Credential Test (free: deletes an empty list of tasks)', ran: true });
	const test = await testCredential({ apiKey: target.apiKey, baseUrl: target.baseUrl });
	sheet.check('credential.test', "The credential's Test passes", test.status === 'OK', `${test.status}: ${test.message}`);
	checkDelete(sheet, 'credential.answer', DOCUMENTED.image, wire.since(from), target.origin);
	if (test.status !== 'OK') {
		skip(ctx, 'every paid step', 'the credential Test failed, so nothing was spent');
		return;
	}
	await imageSteps(ctx);
	if (target.video) await videoSteps(ctx);
	else skip(ctx, 'Video → Generate and Wait', 'costs far more than an image; run with --spend-video-credits');
}
