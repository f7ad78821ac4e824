/**
 * `npm run bench:scale`: only the real-n8n wall-time runs of `npm run bench` (figures 2 and 3),
 * each case repeated, in one n8n install, the cases interleaved (10, 50, 500, 10, 50, 500, …) so
 * that a busy moment of the machine does not fall on one case alone. Prints a markdown table:
 * every run's wall ÷ ideal and where the critical lane's time went, then the median per case.
 *
 *   npm run bench:scale                                  # 10,50,500 items × URLs/downloads × 3
 *   npm run bench:scale -- --items 50 --repeat 5 --out scripts/bench/results/scale-50.md
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

import { startEmulator } from '../../emulator';
import { runInN8n, type N8nCase, type N8nRun } from './n8nRuns';
import { median } from './timing';

function option(name: string, fallback: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
}

const caseLabel = (items: number, kind: 'urls' | 'downloads') => `${items} items, ${kind === 'urls' ? 'URLs only' : 'downloads'}`;

async function main(): Promise<void> {
	const items = option('items', '10,50,500').split(',').map(Number);
	const repeat = Number(option('repeat', '3'));
	const kinds = option('kinds', 'urls,downloads').split(',') as Array<'urls' | 'downloads'>;
	const line = option('n8n', '2');
	const out = option('out', '');
	const taskMs = 2_000;
	const concurrency = 10;
	const cases: N8nCase[] = [];
	for (let r = 1; r <= repeat; r++) {
		for (const kind of kinds) for (const n of items) cases.push({ label: `${caseLabel(n, kind)} (run ${r})`, items: n, taskMs, concurrency, kind });
	}
	const loads: number[] = [];
	const emu = await startEmulator({ queuedMs: 0, processingMs: 0 });
	let result;
	try {
		result = await runInN8n(emu, line, cases, (l) => {
			loads.push(loadavg()[0]);
			process.stderr.write(`${l}\n`);
		});
	} finally {
		await emu.close();
	}
	if (result.skipped) throw new Error(`n8n ${result.version}: ${result.skipped}`);
	const ms = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)}`);
	const lines = [
		`### Real-n8n wall time, ${repeat} runs per case (\`npm run bench:scale -- ${process.argv.slice(2).join(' ')}\`)`,
		'',
		`- ${new Date().toISOString()}, ${cpus().length} cores, n8n ${result.version} on Node ${result.nodeVersion}, \`n8n execute\`, filesystem mode; ${taskMs / 1000} s tasks (¼ queued, ¾ processing), Max Concurrency ${concurrency}; 1-minute load ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`,
		'- Critical lane (the slot that ended last), in ms: head = node start → its first submit; Σ lag = task done → the status request that saw it; Σ download; Σ gaps = a task\'s end → the next submit in its slot',
		'',
		'| case | wall ÷ ideal | head | Σ lag | Σ download | Σ gaps | waves | error |',
		'|---|---|---|---|---|---|---|---|',
		...result.runs.map((r: N8nRun) => {
			const b = r.breakdown;
			return `| ${r.label} | ${r.ratio.toFixed(3)} | ${ms(b?.headMs)} | ${ms(b?.lagMs)} | ${ms(b?.downloadMs)} | ${ms(b?.gapMs)} | ${b?.waves ?? '—'} | ${r.error ?? ''} |`;
		}),
		'',
		'| case | median wall ÷ ideal | range | median Σ lag per wave (ms) | median peak RSS |',
		'|---|---|---|---|---|',
	];
	for (const kind of kinds) {
		for (const n of items) {
			const runs = result.runs.filter((r) => r.items === n && r.kind === kind && !r.error);
			if (!runs.length) continue;
			const ratios = runs.map((r) => r.ratio);
			const lagPerWave = runs.map((r) => (r.breakdown ? r.breakdown.lagMs / r.breakdown.waves : NaN));
			lines.push(
				`| ${caseLabel(n, kind)} | **${median(ratios).toFixed(3)}** | ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)} | ${median(lagPerWave).toFixed(0)} | ${(median(runs.map((r) => r.peakRssKb)) / 1024).toFixed(1)} MiB |`,
			);
		}
	}
	const text = `${lines.join('\n')}\n`;
	process.stdout.write(text);
	if (out) writeFileSync(out, text);
	if (result.runs.some((r) => r.error)) process.exitCode = 1;
}

main().catch((error: unknown) => {
	process.stderr.write(`bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
