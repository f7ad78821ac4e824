/**
 * Report sections of the second round: lone tasks, the schedule's trade-off, video polling, real
 * n8n timing and scaling (with an SVG chart), memory attempts.
 */
import type { LoneResult, SimResult } from './lone';
import type { N8nRun, N8nRunsResult } from './n8nRuns';

const sec = (ms: number, digits = 2) => `${(ms / 1000).toFixed(digits)} s`;
const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;

export function table(headers: string[], rows: string[][]): string {
	return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export interface HeadlineRow {
	figure: string;
	for: string;
	result: string;
	target: string;
	met: boolean | undefined;
	source: string;
}

export const lagTarget = (taskMs: number) => Math.max(500, taskMs / 10);

export function loneRows(results: LoneResult[], currentName: string): HeadlineRow[] {
	const rows: HeadlineRow[] = [];
	for (const r of results.filter((x) => x.schedule === currentName)) {
		const target = lagTarget(r.taskMs);
		rows.push({
			figure: 'detection lag, lone task (median over phases)',
			for: `${r.runs} lone tasks of ${(r.taskMs * 0.9) / 1000}–${(r.taskMs * 1.1) / 1000} s`,
			result: `**${sec(r.lagMedianMs)}** (max ${sec(Math.max(...r.lagMs))})`,
			target: `median ≤ ${sec(target)}`,
			met: !r.error && r.lagMedianMs <= target,
			source: 'in-process: the node\'s TaskPoller, one per task, loopback HTTP to the emulator',
		});
		if (r.taskMs === 60_000) {
			rows.push({
				figure: 'status requests, lone 60 s task',
				for: `${r.runs} lone tasks of 54–66 s`,
				result: `**${r.requestsMedian}** median (${Math.min(...r.requests)}–${Math.max(...r.requests)})`,
				target: '≤ 30',
				met: r.requestsMedian <= 30,
				source: 'same',
			});
		}
	}
	return rows;
}

export function tradeOffSection(measured: LoneResult[], simulated: SimResult[]): string {
	const lines: string[] = [];
	lines.push('**Trade-off: status requests per task against median detection lag** (lone tasks).');
	lines.push('');
	if (measured.length) {
		lines.push('Measured (10 lone tasks per cell, durations spread over ±10 %, real time, loopback HTTP):');
		lines.push('');
		const durations = [...new Set(measured.map((r) => r.taskMs))];
		const names = [...new Set(measured.map((r) => r.schedule))];
		lines.push(
			table(
				['schedule', ...durations.map((d) => `${d / 1000} s: requests / median lag (target)`)],
				names.map((n) => [
					n,
					...durations.map((d) => {
						const r = measured.find((x) => x.schedule === n && x.taskMs === d)!;
						return `${r.requestsMedian} / ${sec(r.lagMedianMs)} (${sec(lagTarget(d), 1)})`;
					}),
				]),
			),
		);
		lines.push('');
	}
	lines.push('Computed (the schedule in exact arithmetic, as TaskPoller applies it to a lone task; 200 phases over ±10 %, no round trip):');
	lines.push('');
	const durations = [...new Set(simulated.map((r) => r.taskMs))];
	const names = [...new Set(simulated.map((r) => r.schedule))];
	lines.push(
		table(
			['schedule', ...durations.map((d) => `${d / 1000} s`)],
			names.map((n) => [
				n,
				...durations.map((d) => {
					const r = simulated.find((x) => x.schedule === n && x.taskMs === d)!;
					const ok = r.lagMedianMs <= lagTarget(d);
					return `${r.requestsMedian} req / ${sec(r.lagMedianMs)}${ok ? '' : ' ✗'}`;
				}),
			]),
		),
	);
	lines.push('');
	lines.push('✗: median lag over max(0.5 s, 10 % of the task).');
	return lines.join('\n');
}

export function videoRows(sim: SimResult): HeadlineRow[] {
	return [
		{
			figure: 'status requests, 10-minute video task',
			for: '20 lone video tasks of 9.5–10 min, scaled clock',
			result: `**${sim.requestsMax}** at most (median ${sim.requestsMedian})`,
			target: '≤ 70',
			met: sim.requestsMax <= 70,
			source: 'the node\'s TaskPoller with the video row\'s schedule on a virtual clock (no wall time passes)',
		},
		{
			figure: 'detection lag, 10-minute video task',
			for: 'same',
			result: `**${sec(sim.lagMaxMs)}** at most (median ${sec(sim.lagMedianMs)})`,
			target: '≤ 10 s',
			met: sim.lagMaxMs <= 10_000,
			source: 'same',
		},
	];
}

const n8nSource = (r: N8nRunsResult) => `real n8n ${r.version} on Node ${r.nodeVersion.replace(/^v/, '')}, \`n8n execute\`, filesystem mode`;

export function n8nRows(result: N8nRunsResult, videoMb: number, imageMb: number): HeadlineRow[] {
	const rows: HeadlineRow[] = [];
	if (result.skipped) return [{ figure: 'real n8n runs', for: `n8n ${result.version}`, result: `not measured: ${result.skipped}`, target: '', met: undefined, source: '' }];
	const fifty = result.runs.find((r) => r.kind === 'downloads' && r.items === 50 && r.label.startsWith('scale'));
	if (fifty) {
		rows.push({
			figure: 'wall ÷ ideal in real n8n',
			for: `50 items, ${fifty.taskMs / 1000} s tasks, Max Concurrency ${fifty.concurrency}, small images downloaded`,
			result: `${sec(fifty.wallMs)} = **${fifty.ratio.toFixed(3)}** × ideal ${sec(fifty.idealMs, 0)}`,
			target: '≤ 1.05',
			met: !fifty.error && fifty.ratio <= 1.05,
			source: n8nSource(result),
		});
	}
	for (const kind of ['urls', 'downloads'] as const) {
		const scale = result.runs.filter((r) => r.kind === kind && r.label.startsWith('scale') && r.items >= 10);
		if (scale.length < 2) continue;
		const ratios = scale.map((r) => r.ratio);
		const spread = Math.max(...ratios) - Math.min(...ratios);
		rows.push({
			figure: `wall ÷ ideal, 10 → ${Math.max(...scale.map((r) => r.items))} items (${kind === 'urls' ? 'URLs only' : 'downloads'})`,
			for: scale.map((r) => r.items).join(' / ') + ' items',
			result: `${ratios.map((v) => v.toFixed(3)).join(' / ')}: spread **${spread.toFixed(3)}**`,
			target: 'flat within 0.05',
			met: scale.every((r) => !r.error) && spread <= 0.05,
			source: n8nSource(result),
		});
	}
	const base = result.runs.find((r) => r.label === 'video baseline');
	const big = result.runs.find((r) => r.label === 'video large');
	if (base && big) {
		const growth = big.peakRssKb - base.peakRssKb;
		rows.push({
			figure: 'peak RSS growth, 5 videos',
			for: `5 × ${videoMb} MiB videos, filesystem mode (against 5 tiny videos)`,
			result: `**${mib(growth)}** = ${(growth / (videoMb * 1024)).toFixed(2)} × one video`,
			target: `< one video (${videoMb} MiB)`,
			met: !big.error && !base.error && growth < videoMb * 1024,
			source: n8nSource(result),
		});
	}
	for (const r of result.runs.filter((x) => x.label.startsWith('memory,'))) {
		const tiny = result.runs.find((x) => x.label.startsWith('memory baseline') && x.nodeOptions === r.nodeOptions);
		if (!tiny) continue;
		const growth = r.peakRssKb - tiny.peakRssKb;
		rows.push({
			figure: 'attempt: peak RSS growth, 15 × 25 MiB images',
			for: `Max Concurrency ${r.concurrency} (downloads at once ≤ ${r.concurrency})${r.nodeOptions ? `, NODE_OPTIONS=${r.nodeOptions} (operator's setting)` : ''}`,
			result: `${mib(growth)} = ${(growth / (imageMb * 1024)).toFixed(2)} × one image (single run)`,
			target: `< 2 × one image`,
			met: !r.error && growth < 2 * imageMb * 1024,
			source: n8nSource(result),
		});
	}
	for (const c of result.controls) {
		rows.push({
			figure: 'control: RSS growth, no n8n, no node',
			for: `${c.label} (same 15 files → fs.promises.writeFile)`,
			result: `${mib(c.growthKb)} = ${(c.growthKb / (imageMb * 1024)).toFixed(2)} × one image`,
			target: '',
			met: undefined,
			source: `Node ${result.nodeVersion.replace(/^v/, '')} (n8n ${result.version}'s)`,
		});
	}
	return rows;
}

export function n8nRunsTable(result: N8nRunsResult): string {
	if (!result.runs.length) return '';
	return table(
		['run', 'items', 'task', 'maxConcurrency', 'wall (node)', 'ideal', 'ratio', 'over ideal', 'critical lane: tasks', 'before 1st submit', 'Σ lag', 'Σ download', 'Σ gaps (item handling + submit)', 'after last', 'peak RSS', 'written'],
		result.runs.map((r: N8nRun) => {
			const b = r.breakdown;
			const ms = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(0)} ms`);
			return [
				r.label,
				String(r.items),
				sec(r.taskMs, 1),
				String(r.concurrency),
				sec(r.wallMs),
				sec(r.idealMs, 0),
				r.ratio.toFixed(3),
				ms(r.wallMs - r.idealMs),
				b ? `${b.waves} (Σ ${sec(b.taskMs)})` : '—',
				ms(b?.headMs),
				ms(b?.lagMs),
				ms(b?.downloadMs),
				ms(b?.gapMs),
				ms(b?.tailMs),
				mib(r.peakRssKb),
				`${(r.storedBytes / 1024 / 1024).toFixed(1)} MiB${r.error ? ` — ERROR: ${r.error}` : ''}`,
			];
		}),
	);
}

/** Two panels: wall ÷ ideal and peak RSS against items (log scale), URLs only and downloads. */
export function scalingSvg(result: N8nRunsResult): string {
	const series = (['urls', 'downloads'] as const).map((kind) => ({
		kind,
		colour: kind === 'urls' ? '#1f77b4' : '#d62728',
		runs: result.runs.filter((r) => r.kind === kind && r.label.startsWith('scale')).sort((a, b) => a.items - b.items),
	}));
	const all = series.flatMap((s) => s.runs);
	if (!all.length) return '';
	const W = 360;
	const H = 220;
	const pad = { l: 58, r: 12, t: 28, b: 40 };
	const items = all.map((r) => r.items);
	const lx = (n: number) => pad.l + ((Math.log10(n) - Math.log10(Math.min(...items))) / Math.max(1e-9, Math.log10(Math.max(...items)) - Math.log10(Math.min(...items)))) * (W - pad.l - pad.r);
	const panel = (x0: number, title: string, value: (r: N8nRun) => number, fmt: (v: number) => string, lo: number, hi: number) => {
		const ly = (v: number) => pad.t + (1 - (v - lo) / (hi - lo)) * (H - pad.t - pad.b);
		const parts: string[] = [`<g transform="translate(${x0},0)">`, `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${title}</text>`];
		for (let i = 0; i <= 4; i++) {
			const v = lo + ((hi - lo) * i) / 4;
			parts.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${ly(v)}" y2="${ly(v)}" stroke="#ddd"/><text x="${pad.l - 4}" y="${ly(v) + 4}" text-anchor="end" font-size="10">${fmt(v)}</text>`);
		}
		for (const n of [...new Set(items)]) parts.push(`<text x="${lx(n)}" y="${H - pad.b + 14}" text-anchor="middle" font-size="10">${n}</text>`);
		parts.push(`<text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="11">items (log scale)</text>`);
		for (const s of series) {
			if (!s.runs.length) continue;
			parts.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${s.runs.map((r) => `${lx(r.items).toFixed(1)},${ly(value(r)).toFixed(1)}`).join(' ')}"/>`);
			for (const r of s.runs) parts.push(`<circle cx="${lx(r.items).toFixed(1)}" cy="${ly(value(r)).toFixed(1)}" r="3" fill="${s.colour}"/>`);
		}
		parts.push('</g>');
		return parts.join('');
	};
	const ratios = all.map((r) => r.ratio).filter(Number.isFinite);
	const rss = all.map((r) => r.peakRssKb / 1024);
	const rLo = Math.floor(Math.min(1, ...ratios) * 20) / 20;
	const rHi = Math.ceil(Math.max(1.1, ...ratios) * 20) / 20;
	const mLo = Math.floor(Math.min(...rss) / 50) * 50;
	const mHi = Math.ceil(Math.max(...rss) / 50) * 50 + 50;
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 22}" font-family="sans-serif">`,
		'<rect width="100%" height="100%" fill="white"/>',
		panel(0, `wall ÷ ideal (n8n ${result.version}, 2 s tasks, Max Concurrency 10)`, (r) => r.ratio, (v) => v.toFixed(2), rLo, rHi),
		panel(W, 'peak RSS of the n8n process (MiB)', (r) => r.peakRssKb / 1024, (v) => v.toFixed(0), mLo, mHi),
		`<g font-size="11"><rect x="${pad.l}" y="${H + 6}" width="10" height="10" fill="#1f77b4"/><text x="${pad.l + 14}" y="${H + 15}">URLs only</text>`,
		`<rect x="${pad.l + 90}" y="${H + 6}" width="10" height="10" fill="#d62728"/><text x="${pad.l + 104}" y="${H + 15}">with downloads of small images</text></g>`,
		'</svg>',
		'',
	].join('\n');
}

