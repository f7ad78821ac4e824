/** The published package follows n8n's community-node rules. */
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('package.json', () => {
	it('is a community node package with no runtime dependencies and no install scripts', () => {
		expect(pkg.name).toBe('n8n-nodes-tensorslab');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toHaveProperty('n8n-workflow');
		for (const script of ['prepare', 'preinstall', 'install', 'postinstall']) expect(pkg.scripts).not.toHaveProperty(script);
		expect(pkg.files).toEqual(['dist', 'CHANGELOG.md']);
		expect(pkg.n8n).toEqual({
			n8nNodesApiVersion: 1,
			strict: true,
			credentials: ['dist/credentials/TensorsLabApi.credentials.js'],
			nodes: ['dist/nodes/TensorsLab/TensorsLab.node.js'],
		});
	});

	it('packs only dist/, README, LICENSE, CHANGELOG and package.json', () => {
		const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
		const files: string[] = JSON.parse(output)[0].files.map((f: { path: string }) => f.path);
		expect(files.filter((f) => !f.startsWith('dist/')).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
		// Nothing from the tests or the emulator (emulator/, dev-only) ships.
		expect(files.filter((f) => f.includes('test') || f.includes('emulator'))).toEqual([]);
	});
});

/**
 * n8n's own scanner (@n8n/scan-community-package, what n8n runs before it verifies a community
 * package), on the parts that run offline: its ESLint legs, on the source (package.json, nodes/,
 * credentials/) and on the packed tarball (the shipped .js and package.json), with its own rule
 * versions. Its other steps need the published package: the npm provenance check and the fetch of
 * the source commit the provenance names (publish.yml publishes with provenance).
 */
describe("n8n's community-package scanner", () => {
	const tmp = mkdtempSync(join(tmpdir(), 'tl-scan-'));
	afterAll(() => rmSync(tmp, { recursive: true, force: true }));

	it('passes on the source and on the packed tarball', () => {
		execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
		const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'))!;
		const unpacked = join(tmp, 'package');
		execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', tmp]);
		expect(existsSync(join(unpacked, 'dist', 'nodes', 'TensorsLab', 'TensorsLab.node.js'))).toBe(true);
		const script = `
			import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';
			const [source, tarball] = process.argv.slice(1);
			const pick = ({ passed, message, details }) => ({ passed, message, details });
			const result = { source: pick(await analyzePackage(source, SOURCE_FILE_PATTERNS)), tarball: pick(await analyzePackage(tarball, ['**/*.js', 'package.json'])) };
			process.stdout.write(JSON.stringify(result));
		`;
		// Without jest's NODE_ENV=test, under which eslint-plugin-n8n-nodes-base checks file names
		// against its own test fixtures.
		const env = { ...process.env };
		delete env.NODE_ENV;
		const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, root, unpacked], { cwd: root, env, encoding: 'utf8' });
		const result = JSON.parse(out) as Record<'source' | 'tarball', { passed: boolean; message?: string; details?: string }>;
		for (const leg of ['source', 'tarball'] as const) {
			if (!result[leg].passed) throw new Error(`scanner, ${leg}: ${result[leg].message}\n${result[leg].details ?? ''}`);
		}
	}, 120_000);
});

describe('GitHub workflows', () => {
	const read = (name: string) => readFileSync(join(root, '.github', 'workflows', name), 'utf8');

	it('CI runs the README test command on push and pull request', () => {
		const ci = read('ci.yml');
		expect(ci).toMatch(/^on:\n {2}push:[\s\S]*\n {2}pull_request:/m);
		expect(ci).toMatch(/run: npm run test:all$/m);
	});

	it('a version tag builds, tests and publishes with provenance and an OIDC token', () => {
		const publish = read('publish.yml');
		expect(publish).toMatch(/^on:\n {2}push:\n {4}tags:\n {6}- "v\*\.\*\.\*"$/m);
		expect(publish).toMatch(/uses: \.\/\.github\/workflows\/ci\.yml/);
		expect(publish).toMatch(/^ {6}id-token: write$/m);
		expect(publish).toMatch(/run: npm run build$/m);
		expect(publish).toMatch(/^ {10}npm publish --provenance --access public$/m);
	});
});
