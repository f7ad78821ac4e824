/**
 * `npm run bench:sources`: peak RSS of a REAL n8n (`n8n execute`, filesystem binary-data mode)
 * while our node's Image → Edit sends many items, each with its own large source image.
 * Memory must grow with Max Concurrency, not with the number of items (issue 21, defect 10).
 *
 * Workflow: Manual Trigger → Read/Write Files from Disk (read, a glob over N PNG files written for
 * the run, each different) → TensorsLab Image → Edit (binary field `data`, Max Concurrency 10).
 * The set-up, the build of the node from the sources and the measurement are rss.ts's: the n8n
 * process writes its maxRSS (ru_maxrss) when it exits, VmHWM is sampled as a cross-check.
 * A control runs the same workflow with tiny source images, to separate n8n's own cost per item
 * (it keeps every item's JSON and binary metadata) from the source bytes.
 *
 *   npm run bench:sources                                   # 100,300 items × 8 MiB, once each
 *   npm run bench:sources -- --items 100,300 --mb 8 --repeat 2 --out result.md
 *   npm run bench:sources -- --source-root <other checkout> --label before   # another version of the node
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';

import { startEmulator, type RecordedRequest } from '../../emulator';
import { encodePng, pngChunk } from '../../emulator/png';
import * as runtime from '../lib/n8n-runtime';
import { RSS_HOOK, buildAndPack, dirBytes, executeMeasured } from './rss';

function option(name: string, fallback: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
}

const MiB = 1024 * 1024;
const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;

/** A valid PNG of exactly `bytes` bytes (from 81): a 2×2 image and a private chunk of random padding, so every file differs. */
function sourcePng(index: number, bytes: number): Buffer {
	const rgb = Buffer.alloc(12);
	rgb.writeUInt32BE(index, 0);
	const png = encodePng(2, 2, rgb);
	const padding = randomFillSync(Buffer.allocUnsafe(Math.max(0, bytes - png.length - 12)));
	// IEND (the last 12 bytes) stays last; the padding chunk goes just before it.
	return Buffer.concat([png.subarray(0, png.length - 12), pngChunk('tlPd', padding), png.subarray(png.length - 12)]);
}

function workflow(id: string, dir: string, concurrency: number, credential: { id: string; name: string }): object {
	return {
		id,
		name: `TensorsLab bench: Image → Edit of the files in ${path.basename(dir)}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'n1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'n2',
				name: 'Files',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1.1,
				position: [200, 0],
				parameters: { operation: 'read', fileSelector: `${dir.split(path.sep).join('/')}/*.png`, options: {} },
			},
			{
				id: 'n3',
				name: 'TensorsLab',
				type: 'n8n-nodes-tensorslab.tensorsLab',
				typeVersion: 1,
				position: [400, 0],
				parameters: { resource: 'image', operation: 'edit', prompt: 'Remove the background', binaryPropertyNames: 'data', options: { maxConcurrency: concurrency } },
				credentials: { tensorsLabApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Files', type: 'main', index: 0 }]] },
			Files: { main: [[{ node: 'TensorsLab', type: 'main', index: 0 }]] },
		},
	};
}

interface Case {
	label: string;
	items: number;
	bytes: number;
	workflowId: string;
	dir: string;
}

interface Run extends Case {
	peakRssKb: number;
	sampledHwmKb?: number;
	wallMs: number;
	error?: string;
}

async function main(): Promise<void> {
	const items = option('items', '100,300').split(',').map(Number);
	const bytes = Math.round(Number(option('mb', '8')) * MiB);
	const tinyBytes = 2048;
	const concurrency = Number(option('concurrency', '10'));
	const repeat = Math.max(1, Number(option('repeat', '1')));
	const withTiny = option('tiny', '1') !== '0';
	const sourceRoot = path.resolve(option('source-root', runtime.REPO_ROOT));
	const label = option('label', 'current sources');
	const out = option('out', '');
	const log = (line: string) => process.stderr.write(`${line}\n`);

	const rt = runtime.resolveRuntime(option('n8n', '2'));
	if (!rt.installed) throw new Error(`n8n ${rt.version} is not installed (scripts/install-n8n.sh ${rt.line})`);
	const nodeVersion = (await runtime.run(rt.nodeBin, ['-p', 'process.version'])).stdout.trim();
	const git = (...args: string[]) => execFileSync('git', args, { cwd: sourceRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	let revision = 'not a git checkout';
	try {
		revision = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'nodes', 'credentials') ? ' + uncommitted changes' : ''}`;
	} catch {
		// a copy of the sources: no revision to name
	}

	const stage = mkdtempSync(path.join(tmpdir(), 'tl-bench-pkg-'));
	const userFolder = mkdtempSync(path.join(tmpdir(), 'tl-bench-src-n8n-'));
	const inputs = mkdtempSync(path.join(tmpdir(), 'tl-bench-src-files-'));
	const rssDir = path.join(userFolder, 'rss');
	mkdirSync(rssDir);
	const hook = path.join(stage, 'rss-hook.js');
	writeFileSync(hook, RSS_HOOK);
	// Ctrl-C or a kill: the input files and n8n's copies (gigabytes) go too.
	const removeTemp = () => [inputs, userFolder, stage].forEach((dir) => rmSync(dir, { recursive: true, force: true }));
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (removeTemp(), process.exit(130)));
	const emu = await startEmulator({ queuedMs: 50, processingMs: 200 });
	// Every quick edit request the emulator answered: its file parts' sizes and hashes. The bytes
	// are dropped from the emulator's log at once (300 × 8 MiB would otherwise stay in this process).
	const received: Array<{ status?: number; files: Array<{ size: number; sha256: string }> }> = [];
	emu.events.on('request', (rec: RecordedRequest) => {
		if (rec.endpoint !== 'quickedit') return;
		received.push({ status: rec.response?.status, files: rec.files.map((f) => ({ size: f.size, sha256: createHash('sha256').update(f.bytes).digest('hex') })) });
		rec.files = rec.files.map((f) => ({ ...f, bytes: Buffer.alloc(0) }));
	});
	const loads: number[] = [];
	const runs: Run[] = [];
	try {
		log(`sources: building and packing the node from ${label} (${revision}) …`);
		const tarball = await buildAndPack(stage, sourceRoot);
		const env = runtime.n8nEnv(rt, { userFolder, fileAccess: [inputs], extra: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } });
		log(`sources: n8n ${rt.version}: installing the package and importing the workflows …`);
		await runtime.installCommunityPackage(userFolder, tarball);
		const credential = runtime.tensorsLabCredential({ apiKey: emu.apiKey, baseUrl: emu.url });
		await runtime.importCredentials(rt, env, [credential]);

		const cases: Case[] = [];
		const add = (caseLabel: string, n: number, size: number) => {
			const i = cases.length;
			cases.push({ label: caseLabel, items: n, bytes: size, workflowId: `tlBenchSrc${String(i).padStart(6, '0')}`, dir: path.join(inputs, `case${i}`) });
		};
		add('warm-up', 10, tinyBytes);
		for (let r = 1; r <= repeat; r++) {
			for (const n of items) add(`${n} × ${(bytes / MiB).toFixed(0)} MiB`, n, bytes);
			if (withTiny) for (const n of items) add(`${n} × 2 KiB (control)`, n, tinyBytes);
		}
		await runtime.importWorkflows(rt, env, cases.map((c) => workflow(c.workflowId, c.dir, concurrency, credential)));

		for (const c of cases) {
			mkdirSync(c.dir);
			const sent = new Set<string>();
			for (let i = 0; i < c.items; i++) {
				const png = sourcePng(i, c.bytes);
				sent.add(createHash('sha256').update(png).digest('hex'));
				writeFileSync(path.join(c.dir, `photo-${String(i).padStart(4, '0')}.png`), png);
			}
			emu.reset();
			received.length = 0;
			loads.push(loadavg()[0]);
			const res = await executeMeasured(rt, env, hook, rssDir, 30 * 60 * 1000, c.workflowId);
			loads.push(loadavg()[0]);
			rmSync(c.dir, { recursive: true, force: true });
			const execution = runtime.parseExecuteOutput(res.stdout);
			const output = runtime.nodeOutput(execution, 'TensorsLab') ?? [];
			const read = runtime.nodeOutput(execution, 'Files')?.length ?? 0;
			const exact = received.filter((r) => r.status === 200 && r.files.length === 1 && r.files[0].size === c.bytes && sent.has(r.files[0].sha256));
			let error: string | undefined;
			if (res.code !== 0 || !execution) error = `exit ${res.code}: ${(res.stderr || res.stdout).slice(-800)}`;
			else if (execution.data?.resultData?.error) error = execution.data.resultData.error.message;
			else if (read !== c.items) error = `Read/Write Files output ${read} items, expected ${c.items}`;
			else if (output.length !== c.items || output.some((item) => item.json.error !== undefined || !item.binary)) error = `TensorsLab output ${output.length} items (expected ${c.items}, each with an image and no error)`;
			else if (received.length !== c.items || new Set(exact.map((r) => r.files[0].sha256)).size !== c.items) {
				error = `the emulator answered ${received.length} edit requests, ${exact.length} of them with one of the ${c.items} files (${c.bytes} bytes) exactly`;
			}
			const run: Run = { ...c, peakRssKb: res.peakRssKb, sampledHwmKb: res.sampledHwmKb, wallMs: res.wallMs, error };
			runs.push(run);
			log(
				`  ${c.label}: peak RSS ${mib(run.peakRssKb)} (sampled VmHWM ${mib(run.sampledHwmKb ?? 0)}), ${received.length} edit requests received, ` +
					`${output.length} items out, ${(run.wallMs / 1000).toFixed(1)} s, n8n's store ${(dirBytes(path.join(userFolder, '.n8n', 'storage')) / MiB).toFixed(0)} MiB${error ? `, ERROR: ${error}` : ''}`,
			);
		}
	} finally {
		await emu.close();
		removeTemp();
	}

	const measured = runs.filter((r) => r.label !== 'warm-up');
	const peak = (n: number, size: number) => {
		const ok = measured.filter((r) => r.items === n && r.bytes === size && !r.error);
		return ok.length ? median(ok.map((r) => r.peakRssKb)) : NaN;
	};
	const cpu = cpus()[0]?.model.trim() || 'unknown CPU';
	const lines = [
		`### Image → Edit of many ${(bytes / MiB).toFixed(0)} MiB source images, ${label} (\`npm run bench:sources -- ${process.argv.slice(2).join(' ')}\`)`,
		'',
		`- ${new Date().toISOString()}, ${cpus().length} cores (${cpu}), n8n ${rt.version} on Node ${nodeVersion}, \`n8n execute\`, N8N_DEFAULT_BINARY_DATA_MODE=filesystem; node built from ${label} (${revision}); Max Concurrency ${concurrency}; emulator tasks 0.25 s; 1-minute load ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`,
		'- Peak RSS: ru_maxrss of the n8n process, written by the process itself at exit (VmHWM sampled every 100 ms as a cross-check)',
		'',
		'| run | items | source image | peak RSS | sampled VmHWM | wall | error |',
		'|---|---|---|---|---|---|---|',
		...runs.map((r) => `| ${r.label} | ${r.items} | ${r.bytes.toLocaleString('en-US')} B | ${mib(r.peakRssKb)} | ${mib(r.sampledHwmKb ?? 0)} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.error ?? ''} |`),
		'',
		'| source image | ' + items.map((n) => `peak RSS, ${n} items`).join(' | ') + ` | ${items[items.length - 1]} ÷ ${items[0]} |`,
		'|---|' + items.map(() => '---|').join('') + '---|',
	];
	for (const size of withTiny ? [bytes, tinyBytes] : [bytes]) {
		const peaks = items.map((n) => peak(n, size));
		lines.push(`| ${size.toLocaleString('en-US')} B | ${peaks.map((p) => mib(p)).join(' | ')} | **${(peaks[peaks.length - 1] / peaks[0]).toFixed(3)}** |`);
	}
	if (withTiny) {
		const growth = items.map((n) => `${n} items ${mib(peak(n, bytes) - peak(n, tinyBytes))}`);
		lines.push('', `Growth from the source bytes (peak with ${(bytes / MiB).toFixed(0)} MiB images − peak with 2 KiB images): ${growth.join(', ')}.`);
	}
	const text = `${lines.join('\n')}\n`;
	process.stdout.write(text);
	if (out) writeFileSync(out, text);
	if (runs.some((r) => r.error)) process.exitCode = 1;
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	});
}
