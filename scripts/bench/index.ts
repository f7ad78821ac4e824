/**
 * Benchmark: many items at once (concurrency, adaptive polling, streamed downloads).
 *
 *   npm run bench                 # full run (about 15 minutes on 2 cores)
 *   npm run bench -- --quick      # smoke test, under a minute
 *   npm run bench -- --help
 *
 * Prints a markdown report (date, machine, command, the figures against their targets, and every
 * run in detail) on stdout; progress goes to stderr. --out FILE also writes the report to FILE.
 * Exit code 0 when every measured run completed (targets missed are reported, not fatal), 1 when
 * a run failed.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { startEmulator } from '../../emulator';
import { disposeHarness } from '../../test/harness';
import { TASK_KINDS } from '../../nodes/TensorsLab/taskKinds';
import { PREVIOUS_IMAGE_SCHEDULE, computeLone, runLoneTasks, simulateLone, tradeOffSchedules, type LoneResult, type SimResult } from './lone';
import { runInN8n, type N8nCase, type N8nRunsResult } from './n8nRuns';
import { measureRss, type RssResult } from './rss';
import { loneRows, n8nRows, n8nRunsTable, scalingSvg, tradeOffSection, videoRows, type HeadlineRow } from './sections';
import { idealMs, median, runTimingCases, type TimingCase, type TimingResult } from './timing';

interface Settings {
	quick: boolean;
	taskSeconds: number;
	items: number[];
	serialItems: number[];
	concurrency: number;
	shortSeconds: number;
	longSeconds: number;
	statusItems: number[];
	images: number;
	imageMb: number;
	rssRepeat: number;
	n8nLines: string[];
	loneSeconds: number[];
	loneRuns: number;
	scaleItems: number[];
	scaleLine: string;
	videoMb: number;
	chart?: string;
	out?: string;
}

/** What the second round adds: lone tasks, the trade-off, video polling, real n8n runs. */
interface Extra {
	lone: LoneResult[];
	simulated: SimResult[];
	video?: SimResult;
	n8n?: N8nRunsResult;
}

const CURRENT = `image row (${TASK_KINDS.image.poll.minMs / 1000} s, then ${Math.round(TASK_KINDS.image.poll.growth * 100)} % of the age)`;
const PREVIOUS = 'previous (0.5 s, then 40 % of the age)';

const HELP = `Usage: npm run bench -- [options]

  --quick                 smoke test (< 60 s): 1 s tasks, 1/10/20 items (serial 1/5), 2 s and 8 s tasks
                          for the request counts, no real n8n. --quick --n8n 2 adds the memory runs
                          (3 × 5 MiB images, alongside the timing runs; about 90 s in all)
  --task-seconds N        task duration of the wall-time runs (default 2; env TENSORSLAB_BENCH_TASK_SECONDS)
  --items A,B,C           item counts of the wall-time runs (default 1,10,50; env TENSORSLAB_BENCH_ITEMS)
  --serial-items A,B,C    item counts of the maxConcurrency 1 runs (default: same as --items)
  --concurrency N         maxConcurrency of the concurrent runs (default 10; env TENSORSLAB_BENCH_CONCURRENCY)
  --short-seconds N       the short task of the status-request rows (default 5; env TENSORSLAB_BENCH_SHORT_SECONDS)
  --long-seconds N        the long task of the status-request rows (default 60; env TENSORSLAB_BENCH_LONG_SECONDS)
  --status-items A,B      item counts of the status-request rows (default 1,10; env TENSORSLAB_BENCH_STATUS_ITEMS)
  --images N              images of the RSS run (default 15; env TENSORSLAB_BENCH_IMAGES)
  --image-mb N            size of each image in MiB (default 25; env TENSORSLAB_BENCH_IMAGE_MB)
  --rss-repeat N          runs of each kind per n8n line, median taken (default 2, --quick 1; env TENSORSLAB_BENCH_RSS_REPEAT)
  --n8n 2,1 | none        real n8n lines for the RSS rows (default 2,1, --quick: none; env TENSORSLAB_BENCH_N8N)
  --lone-seconds A,B,C    lone-task durations of the detection-lag rows (default 5,20,60, --quick 2,5)
  --lone-runs N           lone tasks (phases) per duration (default 10)
  --scale-items A,B,C     item counts of the real-n8n runs (default 1,10,50,200,500, --quick: none)
  --scale-n8n 2|1         n8n line of the real-n8n timing, scaling, video and memory-attempt runs (default 2)
  --video-mb N            size of each of the 5 videos (default 200)
  --chart FILE            where the scaling chart (SVG) goes (default scripts/bench/results/scaling.svg on a full run)
  --out FILE              also write the report to FILE
`;

function parseArgs(argv: string[]): Settings {
	const flags = new Map<string, string>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') {
			process.stdout.write(HELP);
			process.exit(0);
		}
		if (arg === '--quick') {
			flags.set('quick', '1');
			continue;
		}
		const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
		if (!match) throw new Error(`unknown argument ${arg} (see --help)`);
		const value = match[2] ?? argv[++i];
		if (value === undefined) throw new Error(`${arg} needs a value`);
		flags.set(match[1], value);
	}
	const known = ['quick', 'task-seconds', 'items', 'serial-items', 'concurrency', 'short-seconds', 'long-seconds', 'status-items', 'images', 'image-mb', 'rss-repeat', 'n8n', 'out', 'lone-seconds', 'lone-runs', 'scale-items', 'scale-n8n', 'video-mb', 'chart'];
	for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown option --${name} (see --help)`);
	const quick = flags.has('quick') || process.env.TENSORSLAB_BENCH_QUICK === '1';
	const get = (name: string, env: string, full: string, fast: string) => flags.get(name) ?? process.env[env] ?? (quick ? fast : full);
	const num = (name: string, env: string, full: string, fast: string) => {
		const value = Number(get(name, env, full, fast));
		if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
		return value;
	};
	const list = (name: string, env: string, full: string, fast: string) =>
		get(name, env, full, fast)
			.split(',')
			.map((v) => Number(v.trim()))
			.filter((v) => {
				if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} takes positive whole numbers`);
				return true;
			});
	const lines = get('n8n', 'TENSORSLAB_BENCH_N8N', '2,1', 'none');
	return {
		quick,
		taskSeconds: num('task-seconds', 'TENSORSLAB_BENCH_TASK_SECONDS', '2', '1'),
		items: list('items', 'TENSORSLAB_BENCH_ITEMS', '1,10,50', '1,10,20'),
		serialItems: list('serial-items', 'TENSORSLAB_BENCH_SERIAL_ITEMS', flags.get('items') ?? process.env.TENSORSLAB_BENCH_ITEMS ?? '1,10,50', '1,5'),
		concurrency: Math.floor(num('concurrency', 'TENSORSLAB_BENCH_CONCURRENCY', '10', '10')),
		shortSeconds: num('short-seconds', 'TENSORSLAB_BENCH_SHORT_SECONDS', '5', '2'),
		longSeconds: num('long-seconds', 'TENSORSLAB_BENCH_LONG_SECONDS', '60', '8'),
		statusItems: list('status-items', 'TENSORSLAB_BENCH_STATUS_ITEMS', '1,10', '10'),
		images: Math.floor(num('images', 'TENSORSLAB_BENCH_IMAGES', '15', '3')),
		imageMb: num('image-mb', 'TENSORSLAB_BENCH_IMAGE_MB', '25', '5'),
		rssRepeat: Math.floor(num('rss-repeat', 'TENSORSLAB_BENCH_RSS_REPEAT', '2', '1')),
		n8nLines: lines === 'none' ? [] : lines.split(',').map((l) => l.trim()),
		loneSeconds: list('lone-seconds', 'TENSORSLAB_BENCH_LONE_SECONDS', '5,20,60', '2,5'),
		loneRuns: Math.floor(num('lone-runs', 'TENSORSLAB_BENCH_LONE_RUNS', '10', '10')),
		scaleItems: get('scale-items', 'TENSORSLAB_BENCH_SCALE_ITEMS', '1,10,50,200,500', 'none') === 'none' ? [] : list('scale-items', 'TENSORSLAB_BENCH_SCALE_ITEMS', '1,10,50,200,500', '1'),
		scaleLine: get('scale-n8n', 'TENSORSLAB_BENCH_SCALE_N8N', '2', '2'),
		videoMb: num('video-mb', 'TENSORSLAB_BENCH_VIDEO_MB', '200', '20'),
		chart: flags.get('chart') ?? (quick ? undefined : 'scripts/bench/results/scaling.svg'),
		out: flags.get('out'),
	};
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const s = (ms: number, digits = 2) => `${(ms / 1000).toFixed(digits)} s`;
const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;

/** The lag target: max(0.5 s, 10 % of the task duration). */
const lagTarget = (taskMs: number) => Math.max(500, taskMs / 10);

/** How many requests polling every second costs for a task of this length (first poll at 1 s). */
const fixedOneSecond = (taskMs: number) => Math.ceil(taskMs / 1000);

type Row = HeadlineRow;

function mark(met: boolean | undefined): string {
	return met === undefined ? '—' : met ? 'yes' : '**no**';
}

function buildRows(settings: Settings, wall: TimingResult[], serial: TimingResult[], status: TimingResult[], rss: RssResult[], extra: Extra): Row[] {
	const rows: Row[] = [...loneRows(extra.lone, CURRENT), ...(extra.video ? videoRows(extra.video) : []), ...(extra.n8n ? n8nRows(extra.n8n, settings.videoMb, settings.imageMb) : [])];
	const HARNESS = 'in-process (n8n-core harness + emulator)';
	for (const r of wall) {
		const biggest = r.items === Math.max(...settings.items);
		rows.push({
			figure: `wall time, maxConcurrency ${r.concurrency}`,
			for: `${r.items} item${r.items === 1 ? '' : 's'}, ${r.taskMs / 1000} s tasks`,
			result: `${s(r.wallMs)} = **${r.ratio.toFixed(2)}** × ideal ${s(r.idealMs, 0)}`,
			target: biggest ? '≤ 1.2 × ideal' : '',
			met: biggest ? r.ratio <= 1.2 : undefined,
			source: HARNESS,
		});
	}
	for (const r of serial) {
		rows.push({
			figure: 'wall time, maxConcurrency 1 (serial)',
			for: `${r.items} item${r.items === 1 ? '' : 's'}, ${r.taskMs / 1000} s tasks`,
			result: `${s(r.wallMs)} = **${r.ratio.toFixed(2)}** × ideal ${s(r.idealMs, 0)}`,
			target: '',
			met: undefined,
			source: HARNESS,
		});
	}
	for (const r of status) {
		const long = r.taskMs === settings.longSeconds * 1000;
		const spread = r.statusPerTask.min === r.statusPerTask.max ? '' : ` (${r.statusPerTask.min}–${r.statusPerTask.max})`;
		rows.push({
			figure: 'status requests per task',
			for: `${r.taskMs / 1000} s tasks, ${r.items} at once`,
			result: `**${r.statusPerTask.median}**${spread}; polling every 1 s: ${fixedOneSecond(r.taskMs)}`,
			target: long && r.taskMs === 60_000 ? '≤ 30' : '',
			met: long && r.taskMs === 60_000 ? r.statusPerTask.max <= 30 : undefined,
			source: HARNESS,
		});
	}
	for (const r of [...wall, ...serial, ...status]) {
		const target = lagTarget(r.taskMs);
		rows.push({
			figure: 'detection lag (median / max)',
			for: `${r.taskMs / 1000} s tasks, ${r.items} item${r.items === 1 ? '' : 's'}, maxConcurrency ${r.concurrency}`,
			result: `**${s(r.lagMedianMs)}** / ${s(r.lagMaxMs)}`,
			target: `median ≤ ${s(target)}`,
			met: r.lagMedianMs <= target,
			source: HARNESS,
		});
	}
	if (rss.length === 0) {
		rows.push({ figure: 'peak RSS of the n8n process', for: '—', result: 'not run (no real n8n selected: --n8n 2,1)', target: '', met: undefined, source: '' });
	}
	for (const result of rss) {
		const name = `n8n ${result.version}`;
		if (result.skipped || !result.baseline || !result.large) {
			rows.push({ figure: 'peak RSS of the n8n process', for: name, result: `not measured: ${result.skipped ?? 'no result'}`, target: '', met: undefined, source: '' });
			continue;
		}
		const imageKb = settings.imageMb * 1024;
		const growthKb = result.large.peakRssKb - result.baseline.peakRssKb;
		const source = `real n8n ${result.version} on Node ${result.nodeVersion.replace(/^v/, '')}, \`n8n execute\`, N8N_DEFAULT_BINARY_DATA_MODE=filesystem`;
		rows.push({
			figure: 'peak RSS of the n8n process, baseline',
			for: `${result.baseline.images} tiny images`,
			result: mib(result.baseline.peakRssKb),
			target: '',
			met: undefined,
			source,
		});
		rows.push({
			figure: 'peak RSS of the n8n process',
			for: `${result.large.images} images × ${settings.imageMb} MiB (maxConcurrency ${settings.concurrency})`,
			result: `${mib(result.large.peakRssKb)}: growth **${mib(growthKb)}** = ${(growthKb / imageKb).toFixed(2)} × one image`,
			target: `growth < 2 × one image (${mib(2 * imageKb)})`,
			met: result.large.error || result.baseline.error ? false : growthKb < 2 * imageKb,
			source,
		});
		if (result.plainNode) {
			rows.push({
				figure: 'control: RSS growth of a bare Node script',
				for: `the same ${result.large.images} files, ${result.plainNode.concurrency} at a time, http.get → fs.promises.writeFile`,
				result: `${mib(result.plainNode.growthKb)} = ${(result.plainNode.growthKb / imageKb).toFixed(2)} × one image`,
				target: '',
				met: undefined,
				source: `Node ${result.nodeVersion.replace(/^v/, '')} (n8n ${result.version}'s), no n8n, no node`,
			});
		}
	}
	return rows;
}

function table(headers: string[], rows: string[][]): string {
	return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function report(settings: Settings, command: string, startedAt: Date, elapsedMs: number, wall: TimingResult[], serial: TimingResult[], status: TimingResult[], rss: RssResult[], extra: Extra, load: string[]): string {
	const cpu = cpus();
	const rows = buildRows(settings, wall, serial, status, rss, extra);
	const lines: string[] = [];
	lines.push(`### TensorsLab node benchmark${settings.quick ? ' (--quick smoke run: not the reference figures)' : ''}`);
	lines.push('');
	lines.push(`- Date: ${startedAt.toISOString()} (took ${s(elapsedMs, 0)})`);
	lines.push(`- Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory, ${process.platform}/${process.arch}`);
	lines.push(`- Node ${process.version} for the in-process runs; ${rss.map((r) => `n8n ${r.version}${r.nodeVersion ? ` on Node ${r.nodeVersion.replace(/^v/, '')}` : ''}`).join(', ') || 'no real n8n'} for the memory runs`);
	lines.push(`- Command: \`${command}\``);
	lines.push(`- Load average (1/5/15 min) at each stage: ${load.join('; ')}`);
	lines.push(
		`- Emulator tasks last exactly the given duration from their creation (¼ queued, ¾ processing); zimage, one image per task. ` +
			`Ideal wall time = task duration × ⌈items ÷ maxConcurrency⌉.`,
	);
	lines.push('');
	lines.push(table(['figure', 'for', 'result', 'target', 'met', 'source'], rows.map((r) => [r.figure, r.for, r.result, r.target, mark(r.met), r.source])));
	lines.push('');
	lines.push('Where the figures come from:');
	lines.push('');
	lines.push(
		'- **Timing figures** (wall time, status requests, detection lag) run the node in-process inside a real n8n-core ' +
			'workflow execution (`test/harness`) against the emulator over loopback HTTP; they measure the node, not n8n. ' +
			'Wall time is the whole `runNode` call (n8n-core execution included), after one warm-up run.',
	);
	lines.push(
		'- **Detection lag** is read from the emulator: from the moment a task became completed (`EmulatedTask.doneAt`) to the ' +
			'arrival of the first status request for it at or after that moment (the request that saw it completed).',
	);
	lines.push(
		'- **Peak RSS** is the n8n process\'s own high-water mark (`process.resourceUsage().maxRSS`, written at exit through a `--require` hook; ' +
			'/proc VmHWM sampled every 100 ms agrees) for `n8n execute` of Manual Trigger → Edit Fields → Split Out → TensorsLab, ' +
			'with the package built from these sources and installed as a community package. ' +
			`Growth = peak with large images − peak of the same workflow with tiny images (each the median of ${settings.rssRepeat} run${settings.rssRepeat === 1 ? '' : 's'}${settings.quick ? '' : ', after a warm-up run'}). ` +
			'The control row runs a bare script on the same Node binary that streams the same files into the same `fs.promises.writeFile` call n8n uses: what streaming costs on that runtime before garbage collection hands the chunk buffers back.',
	);
	const handled = rss.filter((r) => r.streamHandling);
	if (handled.length) {
		lines.push('- **Streams in filesystem mode**: the node hands the HTTP response stream to `prepareBinaryData`; what the installed n8n does with it:');
		for (const r of handled) lines.push(`  - n8n ${r.version}: ${r.streamHandling}.`);
	}
	lines.push('');
	lines.push('Every run:');
	lines.push('');
	const all = [...wall, ...serial, ...status];
	lines.push(
		table(
			['run', 'items', 'task', 'maxConcurrency', 'wall', 'ideal', 'ratio', 'status requests (per task min/median/max)', 'lag median / max', 'peak tasks in flight'],
			all.map((r) => [
				r.label,
				String(r.items),
				s(r.taskMs, 0),
				String(r.concurrency),
				s(r.wallMs),
				s(r.idealMs, 0),
				r.ratio.toFixed(3),
				`${r.statusRequests} (${r.statusPerTask.min}/${r.statusPerTask.median}/${r.statusPerTask.max})`,
				`${(r.lagMedianMs / 1000).toFixed(3)} / ${(r.lagMaxMs / 1000).toFixed(3)} s`,
				`${r.peakInFlight}${r.error ? ` — ERROR: ${r.error}` : ''}`,
			]),
		),
	);
	const measured = rss.filter((r) => r.baseline && r.large);
	if (measured.length) {
		lines.push('');
		lines.push(
			table(
				['n8n', 'run', 'peak RSS (exit hook; median of the runs)', 'VmHWM sampled (highest)', 'written by n8n', 'wall'],
				measured.flatMap((r) =>
					[r.baseline!, r.large!].map((run) => [
						`${r.version}`,
						run.label,
						`${mib(run.peakRssKb)}${run.samplesKb && run.samplesKb.length > 1 ? ` (runs: ${run.samplesKb.map((kb) => (kb / 1024).toFixed(1)).join(', ')} MiB)` : ''}`,
						run.sampledHwmKb ? mib(run.sampledHwmKb) : '—',
						`${(run.storedBytes / 1024 / 1024).toFixed(1)} MiB`,
						`${s(run.wallMs, 1)}${run.error ? ` — ERROR: ${run.error}` : ''}`,
					]),
				),
			),
		);
	}
	lines.push('');
	lines.push(tradeOffSection(extra.lone, extra.simulated));
	if (extra.n8n?.runs.length) {
		lines.push('');
		lines.push(`Real n8n ${extra.n8n.version} runs (wall = the TensorsLab node's executionTime in n8n's run data; the columns after "over ideal" decompose the wall time of the lane that ended last, from the emulator's log: its tasks and their durations, node start → its first submit, Σ detection lag, Σ from the request that saw a task completed to the end of its download (URLs only: 0), Σ gaps from a task's end to the next submit in the slot (n8n's and the node's item handling and the submit request), its last end → the node's end):`);
		lines.push('');
		lines.push(n8nRunsTable(extra.n8n));
	}
	const lagMedianAll = median(all.flatMap((r) => r.lagMs));
	lines.push('');
	lines.push(`Median detection lag over all ${all.reduce((n, r) => n + r.lagMs.length, 0)} tasks of all runs: ${s(lagMedianAll, 3)}.`);
	return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
	const settings = parseArgs(process.argv.slice(2));
	const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
	const startedAt = new Date();
	const t0 = performance.now();
	const load: string[] = [`start ${loadNow()}`];
	const taskMs = settings.taskSeconds * 1000;
	const c = settings.concurrency;

	const wallCases: TimingCase[] = settings.items.map((items) => ({ label: `concurrent ${items}`, items, concurrency: c, taskMs }));
	const serialCases: TimingCase[] = settings.serialItems.map((items) => ({ label: `serial ${items}`, items, concurrency: 1, taskMs }));
	const statusCases: TimingCase[] = [settings.shortSeconds, settings.longSeconds].flatMap((seconds) =>
		settings.statusItems.map((items) => ({ label: `${seconds} s × ${items}`, items, concurrency: c, taskMs: seconds * 1000 })),
	);
	const estimate = [...wallCases, ...serialCases, ...statusCases].reduce((sum, tc) => sum + idealMs(tc), 0);
	log(`bench: about ${s(estimate, 0)} of task time in the timing runs, then the memory runs on a real n8n (${settings.n8nLines.join(', ') || 'none'})`);

	const memoryRuns = async (): Promise<RssResult[]> => {
		if (!settings.n8nLines.length) return [];
		const emu = await startEmulator({ queuedMs: 50, processingMs: 250 });
		try {
			const results = await measureRss(emu, {
				lines: settings.n8nLines,
				images: settings.images,
				imageBytes: Math.round(settings.imageMb * 1024 * 1024),
				concurrency: c,
				warmUp: !settings.quick,
				repeat: settings.rssRepeat,
				log,
			});
			for (const r of results) if (r.skipped) log(`rss: n8n ${r.version}: ${r.skipped}`);
			return results;
		} finally {
			await emu.close();
		}
	};
	// --quick overlaps the memory runs (mostly n8n start-up) with the timing runs to stay under a
	// minute; a full run keeps them apart so neither disturbs the other's figures.
	const quickMemory = settings.quick ? memoryRuns() : undefined;

	// One warm-up run: the first execution in a process loads and compiles n8n-core and the node.
	await runTimingCases([{ label: 'warm-up', items: 2, concurrency: 2, taskMs: 100 }], () => undefined);
	const [wall, serial, status] = [
		await runTimingCases(wallCases, log),
		await runTimingCases(serialCases, log),
		await runTimingCases(statusCases, log),
	];
	await disposeHarness();
	load.push(`timing ${loadNow()}`);
	const extra = await secondRound(settings, log);
	load.push(`lone tasks and real n8n runs ${loadNow()}`);
	const rss = await (quickMemory ?? memoryRuns());
	load.push(`memory ${loadNow()}`);

	const text = report(settings, command, startedAt, performance.now() - t0, wall, serial, status, rss, extra, load);
	process.stdout.write(text);
	if (settings.out) writeFileSync(settings.out, text);
	const failed =
		[...wall, ...serial, ...status].some((r) => r.error) ||
		rss.some((r) => r.baseline?.error || r.large?.error) ||
		extra.lone.some((r) => r.error) ||
		!!extra.n8n?.runs.some((r) => r.error);
	process.exitCode = failed ? 1 : 0;
}

function loadNow(): string {
	return loadavg()
		.map((v) => v.toFixed(2))
		.join(' / ');
}

async function secondRound(settings: Settings, log: (line: string) => void): Promise<Extra> {
	const lone = await runLoneTasks(
		settings.loneSeconds.map((sec) => sec * 1000),
		{ [CURRENT]: TASK_KINDS.image.poll, [PREVIOUS]: PREVIOUS_IMAGE_SCHEDULE },
		settings.loneRuns,
		log,
	);
	const simulated: SimResult[] = [];
	for (const [name, schedule] of Object.entries(tradeOffSchedules())) {
		for (const taskMs of [2_000, 5_000, 20_000, 60_000]) simulated.push(computeLone(name, schedule, taskMs));
	}
	// Ten-minute video tasks, the TaskPoller on a virtual clock ("up to 10 minutes": 9.5–10 min).
	const video = await simulateLone('video row', TASK_KINDS.video.poll, 600_000, 20, [0.95, 1]);
	if (!settings.scaleItems.length) return { lone, simulated, video };
	const c = settings.concurrency;
	const taskMs = settings.taskSeconds * 1000;
	const imageBytes = Math.round(settings.imageMb * 1024 * 1024);
	const SEMI = '--max-semi-space-size=1';
	const cases: N8nCase[] = [
		...settings.scaleItems.map((items): N8nCase => ({ label: `scale ${items}, URLs only`, items, taskMs, concurrency: c, kind: 'urls' })),
		...settings.scaleItems.map((items): N8nCase => ({ label: `scale ${items}, downloads`, items, taskMs, concurrency: c, kind: 'downloads' })),
		{ label: 'video baseline', items: 5, taskMs: 300, concurrency: c, kind: 'video', videoBytes: null },
		{ label: 'video large', items: 5, taskMs: 300, concurrency: c, kind: 'video', videoBytes: Math.round(settings.videoMb * 1024 * 1024) },
		{ label: 'memory baseline', items: settings.images, taskMs: 300, concurrency: c, kind: 'downloads', imageBytes: null },
		{ label: 'memory, 1 download at a time', items: settings.images, taskMs: 300, concurrency: 1, kind: 'downloads', imageBytes },
		{ label: 'memory, 3 downloads at a time', items: settings.images, taskMs: 300, concurrency: 3, kind: 'downloads', imageBytes },
		{ label: 'memory baseline, small young generation', items: settings.images, taskMs: 300, concurrency: c, kind: 'downloads', imageBytes: null, nodeOptions: SEMI },
		{ label: `memory, ${c} downloads at a time, small young generation`, items: settings.images, taskMs: 300, concurrency: c, kind: 'downloads', imageBytes, nodeOptions: SEMI },
		// Last, so that the controls below stream exactly these files again.
		{ label: `memory, ${c} downloads at a time`, items: settings.images, taskMs: 300, concurrency: c, kind: 'downloads', imageBytes },
	];
	const emu = await startEmulator({ queuedMs: 0, processingMs: 0 });
	try {
		const n8n = await runInN8n(emu, settings.scaleLine, cases, log, () => [...emu.tasks.values()].flatMap((t) => t.completedUrls()));
		if (settings.chart && n8n.runs.length) {
			mkdirSync(path.dirname(settings.chart), { recursive: true });
			writeFileSync(settings.chart, scalingSvg(n8n));
			log(`bench: chart written to ${settings.chart}`);
		}
		return { lone, simulated, video, n8n };
	} finally {
		await emu.close();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
