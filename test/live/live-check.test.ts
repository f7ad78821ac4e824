/**
 * `npm run test:live` (scripts/live/) run for real, as a user runs it, but pointed at the emulator
 * by TENSORSLAB_BASE_URL with the emulator's key: it exits 0 and writes its report when every
 * documented fact holds, exits 1 naming the fact when the service breaks one (a wrong key, a field
 * missing from the status answer, a changed status code), and refuses to run without a key.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startEmulator, type Emulator } from '../../emulator';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../..');
let emu: Emulator;
let dir: string;

beforeAll(async () => {
	emu = await startEmulator({ queuedMs: 30, processingMs: 120 });
	dir = mkdtempSync(path.join(tmpdir(), 'tl-live-'));
});
beforeEach(() => emu.reset());
afterAll(async () => {
	await emu?.close();
	rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
	status: number | null;
	stdout: string;
	stderr: string;
	report: string;
}

/** Runs `npm run test:live` with `env` (no TENSORSLAB_* of the caller's) and waits for it, without blocking the emulator. */
async function liveCheck(name: string, env: Record<string, string>, args: string[] = []): Promise<Outcome> {
	const report = path.join(dir, name);
	const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TENSORSLAB_')));
	const child = spawn('npm', ['run', '--silent', 'test:live', '--', '--report', report, ...args], { cwd: ROOT, env: { ...base, ...env } });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
	return { status, stdout, stderr, report };
}

const emulatorEnv = (key = emu.apiKey) => ({ TENSORSLAB_API_KEY: key, TENSORSLAB_BASE_URL: emu.url });

function facts(report: string): Array<{ id: string; held: boolean; seen: string }> {
	return JSON.parse(readFileSync(`${report}.json`, 'utf8')).facts;
}

describe('npm run test:live against the emulator', () => {
	it('exits 0 and writes its report when every documented fact holds (with --edit and video)', async () => {
		const outcome = await liveCheck('pass', emulatorEnv(), ['--edit', '--spend-video-credits']);
		expect(outcome.stderr).toBe('');
		expect(outcome.status).toBe(0);
		expect(outcome.stdout).toMatch(/Every fact held/);
		expect(existsSync(`${outcome.report}.md`)).toBe(true);
		const ids = facts(outcome.report).map((f) => f.id);
		for (const id of ['credential.test', 'image.submit', 'image.status.fields', 'image.status.codes', 'image.result.urls', 'image.result.file.0', 'image.task.get', 'image.task.delete', 'image.task.gone', 'edit.submit', 'video.status.codes', 'video.task.gone.404', 'key.only-to-base-url']) {
			expect(ids).toContain(id);
		}
		expect(facts(outcome.report).filter((f) => !f.held)).toEqual([]);
		// The paid steps ran once each, and every task made was deleted again.
		expect(emu.apiRequests('zimage')).toHaveLength(1);
		expect(emu.apiRequests('quickedit')).toHaveLength(1);
		expect(emu.apiRequests('seedancev1profast')).toHaveLength(1);
		expect([...emu.tasks.values()].every((task) => task.deleted)).toBe(true);
		expect([...emu.videoTasks.values()].every((task) => task.deleted)).toBe(true);
		expect(readFileSync(`${outcome.report}.md`, 'utf8')).not.toContain(emu.apiKey);
	});

	it('a wrong key: exits 1 naming credential.test, and spends nothing', async () => {
		const outcome = await liveCheck('wrong-key', emulatorEnv('not-the-key'));
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toMatch(/fact\(s\) failed: credential\.test/);
		expect(emu.apiRequests('generate')).toHaveLength(0);
		expect(readFileSync(`${outcome.report}.md`, 'utf8')).toMatch(/`credential\.test` \| \*\*NO\*\*/);
	});

	it('a field missing from the status answer: exits 1 naming image.status.fields', async () => {
		emu.inject('infobytaskid', { kind: 'omitField', field: 'starttime' }, Infinity);
		const outcome = await liveCheck('missing-field', emulatorEnv());
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toMatch(/failed: .*image\.status\.fields/);
		expect(facts(outcome.report).find((f) => f.id === 'image.status.fields')).toMatchObject({ held: false, seen: 'missing: starttime' });
	});

	it('a changed status code: exits 1 naming image.status.codes', async () => {
		emu.inject('infobytaskid', { kind: 'unknownStatus', value: 6 });
		const outcome = await liveCheck('changed-status', emulatorEnv());
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toMatch(/failed: .*image\.status\.codes/);
		expect(facts(outcome.report).find((f) => f.id === 'image.status.codes')?.seen).toMatch(/^seen in order: 6 → .*3$/);
	});

	it('refuses to run without TENSORSLAB_API_KEY, before any request', async () => {
		const outcome = await liveCheck('no-key', { TENSORSLAB_BASE_URL: emu.url });
		expect(outcome.status).toBe(2);
		expect(outcome.stderr).toMatch(/TENSORSLAB_API_KEY is not set/);
		expect(emu.log).toHaveLength(0);
		expect(existsSync(`${outcome.report}.md`)).toBe(false);
	});
});
