#!/usr/bin/env node
/**
 * n8n's own scanner (@n8n/scan-community-package, what n8n runs before it verifies a community
 * package), run here on the parts that work offline: its analysis of a folder, with its own rule
 * versions, on the two legs it runs after a download:
 *   - source:  the repository, with the scanner's SOURCE_FILE_PATTERNS (package.json, nodes/,
 *              credentials/), as it lints the source commit named by the npm provenance;
 *   - tarball: the package as `npm pack` builds it from dist/, unpacked (its .js files and
 *              package.json), as it lints the published tarball.
 * Its other steps need the published package (the provenance check, the fetch of the source
 * commit); publish.yml publishes with provenance.
 *
 * Part of `npm run lint`, which runs `npm run build` just before it (the tarball leg reads dist/). Prints what it
 * checked (TENSORSLAB_SCAN_VERBOSE=1: every file); exits 1 on any finding.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// eslint-plugin-n8n-nodes-base reads NODE_ENV when it loads: under NODE_ENV=test it checks file
// names against its own test fixtures. The scanner never runs under it.
delete process.env.NODE_ENV;

const scannerUrl = import.meta.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
// The scanner's own copies of fast-glob (to list the files it lints, with its patterns and
// ignores) and tmp (it makes a temporary folder when loaded; this removes it on exit).
const scannerRequire = createRequire(scannerUrl);
const glob = scannerRequire('fast-glob');
scannerRequire('tmp').setGracefulCleanup();
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(scannerUrl);
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const missing = [...pkg.n8n.nodes, ...pkg.n8n.credentials].filter((file) => !existsSync(join(root, file)));
if (missing.length > 0) {
	console.error(`scan-package: ${missing.join(', ')} not built: run \`npm run build\` first.`);
	process.exit(1);
}

/** One leg: the scanner's analysis of `dir`, with `patterns`; true when it passed. */
async function leg(name, dir, patterns) {
	const files = glob.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] });
	const result = await analyzePackage(dir, patterns);
	// The scanner passes a folder with nothing to lint; here that means a wrong path or pattern.
	if (files.length === 0) Object.assign(result, { passed: false, message: 'no files to check' });
	const verdict = result.passed ? 'passed' : `FAILED: ${result.message}`;
	console.log(`n8n scanner, ${name} leg: ${files.length} files (${patterns.join(', ')}): ${verdict}`);
	if (process.env.TENSORSLAB_SCAN_VERBOSE) for (const file of files.sort()) console.log(`  ${file}`);
	if (result.details) console.log(result.details);
	return result.passed;
}

const work = mkdtempSync(join(tmpdir(), 'tl-scan-'));
let passed = false;
try {
	const sourcePassed = await leg('source', root, SOURCE_FILE_PATTERNS);

	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		}),
	)[0];
	execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', work]);
	const unpacked = join(work, 'package');
	console.log(`n8n scanner, tarball: ${packed.filename} (npm pack, ${packed.entryCount} files), unpacked to a temporary folder`);
	const tarballPassed = await leg('tarball', unpacked, TARBALL_FILE_PATTERNS);

	passed = sourcePassed && tarballPassed;
} finally {
	rmSync(work, { recursive: true, force: true });
}
console.log(passed ? 'n8n scanner: no findings.' : 'n8n scanner: findings above.');
process.exit(passed ? 0 : 1);
