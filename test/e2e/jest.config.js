// End-to-end suite against a real, pinned n8n (2.x and 1.123.x): `npm run test:e2e`.
// Kept out of the default `npm test` (the root config ignores test/e2e/). It needs the runtimes
// from scripts/install-n8n.sh and a built package (npm run build); scripts/e2e.sh does both.
// Pick lines with TENSORSLAB_E2E_LINES=2 (or 1, or 2,1 — the default).
const path = require('node:path');
const { compilerOptions } = require('../../tsconfig.json');

module.exports = {
	rootDir: path.join(__dirname, '..', '..'),
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: { ...compilerOptions, isolatedModules: true } }],
	},
	// Each n8n CLI call boots n8n (5-15 s); a whole line takes a few minutes.
	testTimeout: 10 * 60 * 1000,
	maxWorkers: 1,
	verbose: true,
};
