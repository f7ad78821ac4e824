/** The published package follows n8n's community-node rules. */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
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
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.n8n).toEqual({
			n8nNodesApiVersion: 1,
			strict: true,
			credentials: ['dist/credentials/TensorsLabApi.credentials.js'],
			nodes: ['dist/nodes/TensorsLab/TensorsLab.node.js'],
		});
	});

	it('packs only dist/, README, LICENSE and package.json', () => {
		const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
		const files: string[] = JSON.parse(output)[0].files.map((f: { path: string }) => f.path);
		expect(files.filter((f) => !f.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
		// Nothing from the tests or the emulator (emulator/, dev-only) ships.
		expect(files.filter((f) => f.includes('test') || f.includes('emulator'))).toEqual([]);
	});
});
