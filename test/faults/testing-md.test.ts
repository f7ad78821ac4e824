/**
 * Keeps TESTING.md honest: every row of its table names a test that exists in test/faults, and
 * every test in test/faults has a row. Test titles are read from the source (`it('…'`,
 * `test('…'`, and `it.each(…)('…'`); a row may name a parameterised test with its case filled in,
 * as Jest prints it, and the filled-in values must come from that test file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const FAULTS = __dirname;
const SELF = path.basename(__filename);

interface Row {
	line: number;
	area: string;
	fault: string;
	outcome: string;
	file: string;
	title: string;
}

function readRows(): Row[] {
	const lines = readFileSync(path.join(ROOT, 'TESTING.md'), 'utf8').split('\n');
	const header = lines.findIndex((line) => /^\|\s*Area\s*\|\s*Fault or bad input\s*\|\s*What the user sees\s*\|\s*Test\s*\|$/.test(line));
	expect(header).toBeGreaterThanOrEqual(0);
	expect(lines[header + 1]).toMatch(/^\|(\s*-+\s*\|){4}$/);
	const rows: Row[] = [];
	for (let index = header + 2; index < lines.length && lines[index].startsWith('|'); index++) {
		const cells = lines[index].slice(1, -1).split(' | ').map((cell) => cell.trim());
		if (cells.length !== 4) throw new Error(`TESTING.md line ${index + 1} does not have 4 cells: ${lines[index]}`);
		const test = /^`([\w.-]+\.test\.ts)` › (.+)$/.exec(cells[3]);
		if (!test) throw new Error(`TESTING.md line ${index + 1}: the Test cell must read \`file.test.ts\` › title, got: ${cells[3]}`);
		rows.push({ line: index + 1, area: cells[0], fault: cells[1], outcome: cells[2], file: test[1], title: test[2] });
	}
	return rows;
}

interface TestFile {
	source: string;
	/** Titles as written in the source, placeholders (%s, %j, …) included. */
	templates: string[];
}

function readTestFiles(): Map<string, TestFile> {
	const files = new Map<string, TestFile>();
	for (const name of readdirSync(FAULTS).filter((file) => file.endsWith('.test.ts') && file !== SELF)) {
		const source = readFileSync(path.join(FAULTS, name), 'utf8');
		const templates: string[] = [];
		// it('title', …), test('title', …) and it.each(table)('title', …)
		const pattern = /(?:\bit|\btest|\))\(\s*(['"`])((?:\\.|(?!\1)[^\\])*?)\1\s*,/g;
		for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
			templates.push(match[2].replace(/\\(.)/g, '$1'));
		}
		files.set(name, { source, templates });
	}
	return files;
}

const PLACEHOLDER = /%[sdifjop#]/g;

function templateRegExp(template: string): RegExp {
	const parts = template.split(PLACEHOLDER).map((part) => part.replace(/%%/g, '%').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
	return new RegExp(`^${parts.join('(.+?)')}$`);
}

/** For comparing a value Jest printed (%j: JSON) with how the test's table wrote it. */
function normalise(text: string): string {
	return text.replace(/[\s'"`\\]/g, '');
}

describe('TESTING.md', () => {
	const rows = readRows();
	const files = readTestFiles();

	it('has a row for many faults and bad inputs, each with an outcome', () => {
		expect(rows.length).toBeGreaterThan(100);
		for (const row of rows) {
			expect({ line: row.line, area: row.area }).toEqual({ line: row.line, area: expect.stringMatching(/^(Retries|Faults|Bad input|Security)$/) });
			expect(row.fault.length).toBeGreaterThan(3);
			expect(row.outcome.length).toBeGreaterThan(3);
		}
	});

	it('names only tests that exist in test/faults, with values from their own tables', () => {
		const problems: string[] = [];
		for (const row of rows) {
			const file = files.get(row.file);
			if (!file) {
				problems.push(`line ${row.line}: no test file test/faults/${row.file}`);
				continue;
			}
			const match = file.templates.map((template) => templateRegExp(template).exec(row.title)).find((found) => found !== null);
			if (!match) {
				problems.push(`line ${row.line}: no test titled "${row.title}" in ${row.file}`);
				continue;
			}
			const source = normalise(file.source);
			for (const value of match.slice(1)) {
				if (!source.includes(normalise(value))) problems.push(`line ${row.line}: "${value}" is not a case of that test in ${row.file}`);
			}
		}
		expect(problems).toEqual([]);
	});

	it('names each test only once', () => {
		const names = rows.map((row) => `${row.file} › ${row.title}`);
		expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
	});

	it('has a row for every test in test/faults', () => {
		const missing: string[] = [];
		for (const [name, file] of files) {
			for (const template of file.templates) {
				const pattern = templateRegExp(template);
				if (!rows.some((row) => row.file === name && pattern.test(row.title))) missing.push(`${name} › ${template}`);
			}
		}
		expect(files.size).toBeGreaterThanOrEqual(4);
		expect(missing).toEqual([]);
	});
});
