/**
 * The live check's findings: each documented fact it tested, whether it held, and what was seen,
 * written as Markdown for people and JSON for tools. Nothing in it carries the key: every text is
 * passed through `redact`, and URLs lose their query strings (result links may be signed).
 */
import { writeFileSync } from 'node:fs';

export interface Fact {
	/** Stable name, e.g. "image.status.fields": what a failure message names. */
	id: string;
	/** The documented fact, in one sentence. */
	claim: string;
	held: boolean;
	/** What was seen. */
	seen: string;
}

export interface LiveReport {
	baseUrl: string;
	startedAt: string;
	finishedAt?: string;
	/** Steps run, in order, and the ones skipped with why. */
	steps: Array<{ name: string; ran: boolean; note?: string }>;
	facts: Fact[];
	/** Every request sent, in order: method, URL without query, answer status and type. */
	requests: Array<{ method: string; url: string; status?: number; contentType?: string }>;
}

export class FactSheet {
	readonly facts: Fact[] = [];

	constructor(private readonly redact: (text: string) => string) {}

	/** Records a fact; `held` false with `seen` saying what broke it. */
	check(id: string, claim: string, held: boolean, seen: string): boolean {
		this.facts.push({ id, claim, held, seen: this.redact(seen) });
		return held;
	}

	get failed(): Fact[] {
		return this.facts.filter((fact) => !fact.held);
	}
}

/** A URL without its query string and fragment (result and source links may be signed). */
export function withoutQuery(url: string): string {
	return url.replace(/[?#].*$/, '');
}

export function renderMarkdown(report: LiveReport): string {
	const failed = report.facts.filter((fact) => !fact.held);
	const lines = [
		'# TensorsLab live conformance report',
		'',
		`- Base URL: ${report.baseUrl}`,
		`- Started: ${report.startedAt}; finished: ${report.finishedAt ?? '(unfinished)'}`,
		`- Result: ${failed.length === 0 ? `every fact held (${report.facts.length})` : `${failed.length} of ${report.facts.length} facts failed: ${failed.map((f) => f.id).join(', ')}`}`,
		'',
		'## Steps',
		'',
		...report.steps.map((step) => `- ${step.ran ? 'ran' : 'skipped'}: ${step.name}${step.note ? ` (${step.note})` : ''}`),
		'',
		'## Facts',
		'',
		'| fact | held | claim | seen |',
		'| --- | --- | --- | --- |',
		...report.facts.map((f) => `| \`${f.id}\` | ${f.held ? 'yes' : '**NO**'} | ${cell(f.claim)} | ${cell(f.seen)} |`),
		'',
		'## Requests, in order',
		'',
		'| # | request | answer |',
		'| --- | --- | --- |',
		...report.requests.map((r, i) => `| ${i + 1} | ${r.method} ${cell(r.url)} | ${r.status ?? 'none'} ${cell(r.contentType ?? '')} |`),
		'',
	];
	return lines.join('\n');
}

function cell(text: string): string {
	return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Writes `<path>.md` and `<path>.json`; returns the two paths. */
export function writeReport(report: LiveReport, basePath: string): string[] {
	const markdown = `${basePath}.md`;
	const json = `${basePath}.json`;
	writeFileSync(markdown, renderMarkdown(report));
	writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
	return [markdown, json];
}
