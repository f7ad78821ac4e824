// `npm run test:queue` (scripts/test-queue.sh): n8n in queue mode (main + 2 workers, Redis,
// PostgreSQL) on this machine. Kept out of `npm test`: its files end in .spec.ts, which the root
// config does not match. The script installs and starts what it needs first.
const path = require('node:path');
const { compilerOptions } = require('../../tsconfig.json');

module.exports = {
	rootDir: path.join(__dirname, '..', '..'),
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/queue/**/*.spec.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: { ...compilerOptions, isolatedModules: true } }],
	},
	// Every wait inside is bounded on its own; this is the outer limit of one phase.
	testTimeout: 15 * 60 * 1000,
	maxWorkers: 1,
	verbose: true,
};
