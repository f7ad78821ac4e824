/**
 * `npm run test:queue`: the packed node in n8n 2.41.1's queue mode, on this machine: Redis and
 * PostgreSQL (plain processes on loopback ports), one main instance and two workers (each with
 * its own user folder: nothing is shared through the filesystem), the emulator in this process.
 * Binary data mode is left at n8n's queue-mode default, which the test checks is `database`.
 *
 *  1. A webhook workflow (Generate and Wait → Crypto hash of each image → Set with the worker's
 *     name) called 20 times at once: every call succeeds, both workers run some, every image is
 *     read back through the main instance's REST API and matches its own task.
 *  2. examples/11-long-wait-loop.json (Generate → Wait 65 s → Wait and Download, short Timeout,
 *     Return Pending → back to Wait) with tasks longer than the first wait: no worker slot is held
 *     while it waits, and it ends with the images.
 *  3. A worker SIGKILLed while two executions run on it: what n8n does (measured), no generate
 *     request is sent twice, and where the paid tasks' IDs can still be found and fetched.
 *  4. An execution timeout shorter than the node's Timeout: what n8n does (measured).
 *
 * What ran where, and the timings, go to <run dir>/report.txt, which scripts/test-queue.sh prints.
 * Needs: dist/ built, n8n 2.41.1 installed (scripts/install-n8n.sh 2), redis-server and PostgreSQL
 * (scripts/queue/services.sh ensure). scripts/test-queue.sh does all of that first.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as n8n from '../../scripts/lib/n8n-runtime';
import type { N8nItem } from '../../scripts/lib/n8n-runtime';
import { peakTasksInFlight, startEmulator, type Emulator } from '../../emulator';
import { Cluster, waitFor, type N8nProc } from './cluster';
import { nodeItems, nodeRuns, Rest, type Execution } from './rest';
import { generateAndWaitWorkflow, recoverWorkflow, submitThenSubWorkflow, waitAndDownloadSubWorkflow } from './workflows';

const RUN_DIR = process.env.TENSORSLAB_QUEUE_RUN_DIR ?? path.join(n8n.REPO_ROOT, '.e2e', 'queue', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const WORKER_CONCURRENCY = 5;
const CALLS = 20;
const PROMPTS_PER_CALL = 2;
const IMAGES_PER_TASK = 2;
const IMAGE_BYTES = 256 * 1024;
/** examples/11-long-wait-loop.json, found by its workflow ID (file numbers may change). */
const LONG_WAIT_EXAMPLE_ID = 'tlEx11LongWait';

const rt = n8n.resolveRuntime('2');
const cluster = new Cluster(rt, RUN_DIR);
let emu: Emulator;
let rest: Rest;
let main: N8nProc;
const workers: N8nProc[] = [];
let credential: { id: string; name: string };
const t0 = Date.now();

// --- the report ------------------------------------------------------------------------------------
const reportFile = path.join(RUN_DIR, 'report.txt');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function report(line = ''): void {
	fs.appendFileSync(reportFile, `${line}\n`);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** "Worker started execution <id> (job <job>)" lines of every worker: [{worker, executionId, job}]. */
function workerJobs(): Array<{ worker: string; executionId: string; job: string }> {
	const jobs: Array<{ worker: string; executionId: string; job: string }> = [];
	for (const w of cluster.procs.filter((p) => p.name.startsWith('worker-'))) {
		for (const m of w.logs().matchAll(/Worker started execution (\d+) \(job (\d+)\)/g)) jobs.push({ worker: w.name, executionId: m[1], job: m[2] });
	}
	return jobs;
}

async function callWebhook(pathName: string, body: unknown, timeoutMs = 300_000): Promise<{ status: number; body: unknown; ms: number }> {
	const started = Date.now();
	const res = await fetch(`${main.url}/webhook/${pathName}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: res.status, body: parsed, ms: Date.now() - started };
}

/** Redis: jobs a worker holds right now (Bull's active list of n8n's queue "jobs"). */
async function activeJobs(): Promise<number> {
	return Number(await cluster.redis('LLEN', 'bull:jobs:active'));
}

/** Every `taskId` value anywhere in a parsed structure. */
function taskIdsIn(value: unknown, found = new Set<string>()): Set<string> {
	if (Array.isArray(value)) value.forEach((v) => taskIdsIn(v, found));
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			if (k === 'taskId' && typeof v === 'string') found.add(v);
			else taskIdsIn(v, found);
		}
	}
	return found;
}

function taskOfPrompt(prompt: string): string {
	const tasks = [...emu.tasks.values()].filter((t) => t.prompt === prompt);
	if (tasks.length !== 1) throw new Error(`expected one task for prompt "${prompt}", found ${tasks.length}`);
	return tasks[0].taskid;
}

/** Reads every image of a node's output back through the main instance and checks it is its own task's. */
async function expectImagesReadableThroughMain(items: N8nItem[]): Promise<void> {
	for (const item of items) {
		const binary = item.binary?.data;
		expect(binary).toBeDefined();
		expect(binary!.id).toMatch(/^database:/);
		const res = await rest.binary(binary!.id!);
		expect(res.status).toBe(200);
		expect(res.type).toBe('image/png');
		expect(sha(res.bytes)).toBe(sha(emu.expectedImageBytes(String(item.json.taskId), Number(item.json.index))));
	}
}

beforeAll(async () => {
	fs.writeFileSync(reportFile, '');
	report(`n8n queue mode on this machine: n8n ${rt.version} (Node ${n8n.VERSIONS.node24}), run folder ${path.relative(n8n.REPO_ROOT, RUN_DIR)}`);
	if (!rt.installed) throw new Error(`n8n ${rt.version} is not installed: run scripts/install-n8n.sh 2 (npm run test:queue does)`);
	if (!fs.existsSync(path.join(n8n.REPO_ROOT, 'dist', 'nodes', 'TensorsLab', 'TensorsLab.node.js'))) throw new Error('dist/ is missing: npm run build');
	emu = await startEmulator({ imageBytes: IMAGE_BYTES });

	const redis = await cluster.startRedis();
	const pg = await cluster.startPostgres();
	report(`  Redis       pid ${redis.pid}, 127.0.0.1:${cluster.redisPort}`);
	report(`  PostgreSQL  pid ${pg.pid}, 127.0.0.1:${cluster.pgPort} (a throwaway cluster made by initdb)`);

	const tarball = await n8n.packProject(path.join(RUN_DIR, 'pack'));
	const folders = ['main', 'worker-1', 'worker-2', 'worker-3'].map((name) => path.join(RUN_DIR, name));
	// Each process has its own user folder with the package installed, as separate hosts would.
	await Promise.all(folders.map((folder) => n8n.installCommunityPackage(folder, tarball)));

	const started = Date.now();
	main = await cluster.startMain(folders[0]);
	report(`  main        pid ${main.pid}, ${main.url} (ready after ${seconds(Date.now() - started)}, first start: migrations)`);
	const w = await Promise.all([1, 2].map((n) => cluster.startWorker(`worker-${n}`, folders[n], WORKER_CONCURRENCY)));
	workers.push(...w);
	for (const worker of w) report(`  ${worker.name}    pid ${worker.pid}, health ${worker.url}, --concurrency=${WORKER_CONCURRENCY}`);
	report(`  emulator    API ${emu.url}, images ${emu.imageOrigin} (in the test process)`);
	report(`  cluster ready ${seconds(Date.now() - t0)} after the start`);

	rest = new Rest(main.url, rt);
	await rest.setupOwnerOrLogin();
	credential = await rest.createCredential({ name: 'TensorsLab account', type: 'tensorsLabApi', data: { apiKey: emu.apiKey, baseUrl: emu.url } });
}, 15 * 60 * 1000);

afterAll(async () => {
	await emu?.close();
	await cluster.stopAll();
	const left = cluster.procs.filter((p) => p.isRunning()).map((p) => `${p.name} (pid ${p.pid})`);
	report();
	report(`all processes stopped${left.length ? `, EXCEPT ${left.join(', ')}` : ''}; total ${seconds(Date.now() - t0)}`);
}, 120_000);

test('the workers run in queue mode on PostgreSQL and Redis, with the package installed', () => {
	for (const worker of workers) {
		expect(worker.logs()).toMatch(/n8n worker is now ready/);
		expect(worker.logs()).toMatch(/Queue: jobs/);
		expect(worker.logs()).toMatch(new RegExp(`Concurrency: ${WORKER_CONCURRENCY}`));
		expect(worker.logs()).not.toMatch(/Error loading package|Failed to load.*tensorslab/i);
	}
});

test(`${CALLS} webhook calls at once: all succeed, on both workers, every image read back through main and its own`, async () => {
	const pathName = 'tl-queue-generate';
	const workflowId = await rest.createAndActivate(generateAndWaitWorkflow(credential, pathName, { batchSize: IMAGES_PER_TASK }));
	emu.reset();
	emu.configure({ queuedMs: 500, processingMs: 4_000 });
	const promptsOf = (call: number) => Array.from({ length: PROMPTS_PER_CALL }, (_, p) => `call ${call} prompt ${'ab'[p]}`);

	const started = Date.now();
	const answers = await Promise.all(Array.from({ length: CALLS }, (_, call) => callWebhook(pathName, { prompts: promptsOf(call) })));
	const wallMs = Date.now() - started;

	report();
	report(`1. ${CALLS} webhook calls at once (Generate and Wait, ${PROMPTS_PER_CALL} prompts x ${IMAGES_PER_TASK} images each; tasks take 4.5 s):`);
	const jobs = workerJobs();
	const byExecution = new Map<string, { call: number; worker: string; items: Array<Record<string, unknown>> }>();
	answers.forEach((answer, call) => {
		expect(answer.status).toBe(200);
		const items = answer.body as Array<Record<string, unknown>>;
		expect(items).toHaveLength(PROMPTS_PER_CALL * IMAGES_PER_TASK);
		const executionId = String(items[0].executionId);
		for (const item of items) expect(item.executionId).toBe(executionId);
		// Each prompt's task, both its images, in order: nothing missing, nothing from another call.
		for (const prompt of promptsOf(call)) {
			const mine = items.filter((i) => i.prompt === prompt);
			expect(mine.map((i) => i.index)).toEqual([0, 1]);
			for (const item of mine) {
				expect(item.taskId).toBe(taskOfPrompt(prompt));
				// The hash was computed on the worker from the binary n8n stored.
				expect(item.sha256).toBe(sha(emu.expectedImageBytes(String(item.taskId), Number(item.index))));
			}
		}
		// Which worker: the worker's own environment, and its log.
		const worker = String(items[0].worker);
		expect(jobs.filter((j) => j.executionId === executionId).map((j) => j.worker)).toEqual([worker]);
		byExecution.set(executionId, { call, worker, items });
	});
	expect(byExecution.size).toBe(CALLS);
	const perWorker = new Map<string, string[]>();
	for (const [id, { worker }] of byExecution) perWorker.set(worker, [...(perWorker.get(worker) ?? []), id]);
	expect([...perWorker.keys()].sort()).toEqual(['worker-1', 'worker-2']);
	for (const [worker, ids] of [...perWorker].sort()) report(`   ${worker} ran ${ids.length} executions: ${ids.sort((a, b) => Number(a) - Number(b)).join(', ')}`);
	for (const [id, { call, worker, items }] of [...byExecution].sort((a, b) => Number(a[0]) - Number(b[0]))) {
		const tasks = [...new Set(items.map((i) => String(i.taskId)))];
		report(`   call ${String(call).padStart(2)} -> execution ${id.padStart(2)} on ${worker}: tasks ${tasks.join(', ')}`);
	}

	// No generate request twice; every task generated once.
	expect(emu.apiRequests('generate')).toHaveLength(CALLS * PROMPTS_PER_CALL);

	// Through the main instance's API: each execution's stored run data, each image's bytes.
	let images = 0;
	for (const [id, { items }] of byExecution) {
		const execution = await rest.execution(id);
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('webhook');
		expect(execution.workflowId).toBe(workflowId);
		const generated = nodeItems(execution, 'Generate Images')!;
		expect(generated.map((i) => `${i.json.taskId}/${i.json.index}`).sort()).toEqual(items.map((i) => `${i.taskId}/${i.index}`).sort());
		await expectImagesReadableThroughMain(generated);
		images += generated.length;
	}
	expect(images).toBe(CALLS * PROMPTS_PER_CALL * IMAGES_PER_TASK);

	// What was in flight at the API at once: executions per worker x tasks per execution.
	const lastDownload = new Map<string, number>();
	for (const r of emu.imageRequests()) {
		const taskid = r.path.split('/')[2];
		lastDownload.set(taskid, Math.max(lastDownload.get(taskid) ?? 0, r.time));
	}
	const peak = peakTasksInFlight([...emu.tasks.values()].map((t) => ({ start: t.createdAt, end: lastDownload.get(t.taskid) })));
	expect(peak).toBeLessThanOrEqual(2 * WORKER_CONCURRENCY * PROMPTS_PER_CALL);
	report(`   all ${CALLS} answered HTTP 200 in ${seconds(wallMs)}; ${images} images, binary data mode "database" (ids database:<uuid>),`);
	report(`   each read back through GET /rest/binary-data on main: same bytes as served for its own task and index`);
	report(`   peak tasks in flight at the API: ${peak} (2 workers x --concurrency ${WORKER_CONCURRENCY} x ${PROMPTS_PER_CALL} items per execution = ${2 * WORKER_CONCURRENCY * PROMPTS_PER_CALL})`);
});

test('examples/11 long-wait loop: waits in the database without holding a worker slot, loops until done', async () => {
	const example = n8n.loadExamples().find((e) => e.workflow.id === LONG_WAIT_EXAMPLE_ID);
	expect(example).toBeDefined();
	const workflow = JSON.parse(JSON.stringify(example!.workflow)) as { nodes: Array<Record<string, unknown>> };
	for (const node of workflow.nodes) if (node.credentials) node.credentials = { tensorsLabApi: credential };
	const waitNode = workflow.nodes.find((n) => n.name === 'Wait') as { parameters: { amount: number } };
	const check = workflow.nodes.find((n) => n.name === 'Check Task') as { parameters: { options: { timeout: number } } };
	const waitS = waitNode.parameters.amount;
	const checkS = check.parameters.options.timeout;
	expect(waitS).toBeGreaterThanOrEqual(65); // shorter waits keep the worker slot (n8n's Wait node)
	const workflowId = await rest.createAndActivate(workflow);

	emu.reset();
	// Longer than the first wait plus the first check: the loop must go round once.
	const taskMs = (waitS + checkS + 15) * 1000;
	emu.configure({ queuedMs: 1000, processingMs: taskMs - 1000 });
	const answer = await callWebhook('tensorslab-long-wait', { prompt: 'a slow render' }, 30_000);
	expect(answer.status).toBe(200); // answered at once (Respond: immediately)
	const started = Date.now();
	const executionId = await waitFor('the long-wait execution', 60_000, async () => (await rest.executions(workflowId))[0]?.id);

	// Watch it: status over time, and whether any worker holds a job while it waits.
	const timeline: Array<{ at: number; status: string }> = [];
	const activeWhileWaiting: number[] = [];
	let final = '';
	await waitFor('the long-wait execution to finish', (3 * waitS + 120) * 1000, async () => {
		const [summary] = (await rest.executions(workflowId)).filter((e) => e.id === executionId);
		if (!summary) return undefined;
		if (timeline.at(-1)?.status !== summary.status) timeline.push({ at: Date.now() - started, status: summary.status });
		if (summary.status === 'waiting') activeWhileWaiting.push(await activeJobs());
		if (['success', 'error', 'crashed', 'canceled'].includes(summary.status)) final = summary.status;
		return final || undefined;
	}, 1000);
	const totalMs = Date.now() - started;
	expect(final).toBe('success');

	const execution = await rest.execution(executionId);
	const checks = nodeRuns(execution, 'Check Task');
	expect(checks.length).toBeGreaterThanOrEqual(2);
	expect(checks[0].map((i) => i.json.status)).toEqual(['pending']);
	const taskId = String(checks[0][0].json.taskId);
	expect(taskId).toBe(taskOfPrompt('a slow render'));
	const done = nodeItems(execution, 'Images Ready')!;
	expect(done).toHaveLength(1);
	expect(done[0].json).toMatchObject({ taskId, status: 'completed', index: 0 });
	await expectImagesReadableThroughMain(done);
	expect(nodeRuns(execution, 'Wait').length).toBe(checks.length);
	expect(emu.apiRequests('generate')).toHaveLength(1);

	// While waiting, no worker held it: Redis's active-job list was empty at every sample.
	expect(timeline.filter((t) => t.status === 'waiting').length).toBeGreaterThanOrEqual(2);
	expect(activeWhileWaiting.length).toBeGreaterThan(0);
	expect(Math.max(...activeWhileWaiting)).toBe(0);
	// One job per stretch of running: the first run, then one per resumption.
	const jobs = workerJobs().filter((j) => j.executionId === executionId);
	expect(jobs.length).toBe(checks.length + 1);

	const waitingMs = timeline.reduce((sum, t, i) => (t.status === 'waiting' ? sum + ((timeline[i + 1]?.at ?? totalMs) - t.at) : sum), 0);
	report();
	report(`2. ${path.basename(example!.file)} long-wait loop (Wait ${waitS} s, Check Task timeout ${checkS} s, task takes ${seconds(taskMs)}): execution ${executionId}`);
	report(`   status over time: ${timeline.map((t) => `${seconds(t.at)} ${t.status}`).join(' -> ')}`);
	report(`   jobs: ${jobs.map((j) => `job ${j.job} on ${j.worker}`).join(', ')} (a resumed execution is a new job, on whichever worker is free)`);
	report(`   Check Task runs: ${checks.map((c) => c.map((i) => i.json.status).join('+')).join(', ')}; images read back through main`);
	report(`   waiting ${seconds(waitingMs)} of ${seconds(totalMs)}: Redis active jobs while waiting = ${Math.max(...activeWhileWaiting)} at all ${activeWhileWaiting.length} samples (no worker slot held)`);
});

test('a worker SIGKILLed mid-run: n8n fails the execution, nothing is generated twice, the paid tasks are found and fetched', async () => {
	const sub = await rest.createAndActivate(waitAndDownloadSubWorkflow(credential));
	await rest.createAndActivate(submitThenSubWorkflow(credential, 'tl-queue-sub', sub));
	const syncWorkflowId = await rest.createAndActivate(generateAndWaitWorkflow(credential, 'tl-queue-sync', { batchSize: 1, name: 'queue: sync' }));
	await rest.createAndActivate(recoverWorkflow(credential, 'tl-queue-recover'));

	// Only worker-1 takes jobs now, so both executions land on the worker that is killed.
	const [w1, w2] = workers;
	await cluster.stop(w2, 'SIGTERM', 30_000);
	emu.reset();
	emu.configure({ queuedMs: 500, processingMs: 60_000 });
	const jobKey = (j: { worker: string; job: string }) => `${j.worker}:${j.job}`;
	const jobsBefore = new Set(workerJobs().map(jobKey));
	const newJobs = () => workerJobs().filter((j) => !jobsBefore.has(jobKey(j)));
	const answeredAt: number[] = [];
	const calls = [
		callWebhook('tl-queue-sync', { prompts: ['killed: generate and wait'] }, 600_000),
		callWebhook('tl-queue-sub', { prompts: ['killed: sub-workflow'] }, 600_000),
	].map((call, i) => call.finally(() => (answeredAt[i] = Date.now())));
	// Both running on worker-1 (the sub-workflow inside the second), both tasks created.
	await waitFor('both executions to run on worker-1 with their tasks created', 120_000, () =>
		newJobs().length >= 2 && emu.tasks.size === 2 ? true : undefined,
	);
	const running = newJobs();
	expect(running.map((j) => j.worker)).toEqual(['worker-1', 'worker-1']);
	const syncTask = taskOfPrompt('killed: generate and wait');
	const subTask = taskOfPrompt('killed: sub-workflow');
	// Into the wait: the sub-workflow's execution exists, the sync one polls its task.
	await waitFor('the sub-workflow execution to start', 60_000, async () => ((await rest.executions(sub)).length ? true : undefined));
	await sleep(2_000);
	const killedAt = Date.now();
	process.kill(w1.pid, 'SIGKILL');
	await w1.exited;
	// The operator (or the orchestrator) starts a replacement worker.
	const w3 = await cluster.startWorker('worker-3', path.join(RUN_DIR, 'worker-3'), WORKER_CONCURRENCY);
	workers.push(w3);
	const w3ReadyMs = Date.now() - killedAt;

	const answers = await Promise.all(calls);
	const answeredMs = answeredAt.map((at) => at - killedAt);
	for (const a of answers) expect(a.status).toBe(500);
	const parents = running.map((j) => j.executionId);
	const failed = await Promise.all(parents.map((id) => waitFor(`execution ${id} to be failed`, 120_000, async () => {
		const e = await rest.execution(id);
		return e.status === 'running' || e.status === 'new' ? undefined : e;
	})));
	const failedMs = Date.now() - killedAt;
	for (const e of failed) {
		expect(e.status).toBe('error');
		expect(e.data.resultData.error?.message).toMatch(/failed to be processed too many times/);
		// n8n replaced the run data: nothing of what ran before the kill is left in the execution.
		expect(e.data.resultData.runData).toEqual({});
		expect(taskIdsIn(e.data).size).toBe(0);
		expect(e.raw.includes(syncTask) || e.raw.includes(subTask)).toBe(false);
	}
	// n8n does not run a stalled job again (it sets Bull's maxStalledCount to 0): no generate twice.
	expect(emu.apiRequests('generate')).toHaveLength(2);
	// What is left of the Generate and Wait task: the node's log line on the killed worker.
	const logLine = (task: string) => w1.logs().split('\n').find((line) => line.includes(`TensorsLab task ${task} created`));
	expect(logLine(syncTask)).toBeDefined();
	expect(logLine(subTask)).toBeDefined();
	expect(w1.logs()).not.toContain(emu.apiKey);

	// The sub-workflow's own execution was created with its input (the task IDs) before it started
	// waiting; nothing removes it. main marks it crashed at its next queue-recovery check (every
	// N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL minutes, default 180, and at start-up): a restart.
	const subExecutions = await rest.executions(sub);
	expect(subExecutions).toHaveLength(1);
	expect(subExecutions[0].status).toBe('running');
	await cluster.stop(main, 'SIGTERM', 30_000);
	const restartedAt = Date.now();
	main = await cluster.startMain(path.join(RUN_DIR, 'main'));
	rest.url = main.url;
	await rest.setupOwnerOrLogin();
	await rest.waitForWebhook('tl-queue-recover');
	const crashed = await waitFor('queue recovery to mark the sub-execution crashed', 120_000, async () => {
		const e = await rest.execution(subExecutions[0].id);
		return e.status === 'crashed' ? e : undefined;
	});
	const restartMs = Date.now() - restartedAt;
	const found = [...taskIdsIn(crashed.data)];
	expect(found).toEqual([subTask]);

	// Fetch both paid results by those IDs (the sub-execution's data, the worker's log): Task → Wait
	// and Download, on the replacement worker.
	const fromLog = /TensorsLab task (\S+) created/.exec(logLine(syncTask)!)![1];
	const recovered = await callWebhook('tl-queue-recover', { taskIds: [...found, fromLog] }, 300_000);
	expect(recovered.status).toBe(200);
	const items = recovered.body as Array<Record<string, unknown>>;
	expect(items).toHaveLength(2);
	expect(items[0]).toMatchObject({ taskId: subTask, status: 'completed', index: 0, worker: 'worker-3' });
	expect(items[1]).toMatchObject({ taskId: syncTask, status: 'completed', index: 0, worker: 'worker-3' });
	for (const item of items) expect(item.sha256).toBe(sha(emu.expectedImageBytes(String(item.taskId), 0)));
	expect(emu.apiRequests('generate')).toHaveLength(2);
	const syncExecution = failed.find((e) => e.workflowId === syncWorkflowId) as Execution;
	expect(syncExecution).toBeDefined();

	report();
	report(`3. SIGKILL of worker-1 (worker-2 stopped first, so both executions ran there; tasks take 60.5 s):`);
	const subParent = failed.find((e) => e !== syncExecution)!;
	report(`   execution ${syncExecution.id}: Generate and Wait (task ${syncTask}); execution ${subParent.id}: Generate, then Wait and Download in a sub-workflow (task ${subTask})`);
	report(`   killed ${running.map((j) => `job ${j.job}`).join(' and ')} on worker-1; worker-3 started as its replacement (ready ${seconds(w3ReadyMs)} after the kill)`);
	report(`   webhook callers answered HTTP 500 {"message":"Error in workflow"} ${answeredMs.map((ms) => seconds(ms)).join(' / ')} after the kill;`);
	report(`   executions ${parents.join(', ')} status "error" by ${seconds(failedMs)}: "${failed[0].data.resultData.error?.message}"`);
	report(`   both had their run data replaced by an empty one: neither names its task (Task ${syncTask} still completed and cost credits).`);
	report(`   the killed worker's log names both, from the node's info line at creation: "${logLine(syncTask)!.trim().slice(0, 200)}"`);
	report(`   generate requests: ${emu.apiRequests('generate').length} (one per call: n8n never re-runs a stalled job)`);
	report(`   sub-workflow execution ${crashed.id} kept its input: status "running" until main's queue recovery (here a restart, ${seconds(restartMs)}) marked it "crashed";`);
	report(`   its data names task ${found.join(', ')}; Task -> Wait and Download fetched it and ${fromLog} (from the log) on ${items[0].worker}: same bytes as served`);
});

test("an execution timeout shorter than the node's Timeout: n8n cancels the execution (measured)", async () => {
	const timeoutS = 10;
	const workflowId = await rest.createAndActivate(
		generateAndWaitWorkflow(credential, 'tl-queue-timeout', { batchSize: 1, name: 'queue: execution timeout', settings: { executionTimeout: timeoutS } }),
	);
	emu.reset();
	emu.configure({ queuedMs: 500, processingMs: 40_000 });
	const prompt = 'cut short by the execution timeout';
	// The caller gives up after 90 s (n8n may never answer: measured below).
	const answer = await callWebhook('tl-queue-timeout', { prompts: [prompt] }, 90_000).catch((error: Error) => ({ status: 0, body: error.name, ms: 90_000 }));
	const task = taskOfPrompt(prompt);
	const summary = await waitFor('the timed-out execution to end', 120_000, async () =>
		(await rest.executions(workflowId)).find((e) => !['new', 'running', 'waiting'].includes(e.status)),
	).catch(async () => (await rest.executions(workflowId))[0]);
	const execution = await rest.execution(summary.id);
	const error = execution.data.resultData.error;
	const runError = execution.data.resultData.runData['Generate Images']?.[0]?.error;
	const namesTask = execution.raw.includes(task);
	const ranMs = execution.startedAt && execution.stoppedAt ? Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt) : NaN;
	report();
	report(`4. execution timeout ${timeoutS} s (workflow setting), node Timeout 300 s, task 40.5 s: execution ${execution.id}`);
	report(
		answer.status === 0
			? `   the webhook caller got NO answer within 90 s (the main instance dropped the cancelled execution without answering it)`
			: `   webhook answered HTTP ${answer.status} after ${seconds(answer.ms)}: ${JSON.stringify(answer.body).slice(0, 160)}`,
	);
	report(`   status "${execution.status}" after ${seconds(ranMs)}; error: ${error ? `"${error.message}"` : 'none'}; node error: ${runError ? `"${runError.message}"` : 'none'}`);
	report(`   the execution data ${namesTask ? 'names' : 'does NOT name'} task ${task}; generate requests: ${emu.apiRequests('generate').length}`);
	expect(emu.apiRequests('generate')).toHaveLength(1);
	expect(ranMs).toBeLessThan((timeoutS + 20) * 1000);
});
