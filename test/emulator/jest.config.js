// Stand-alone Jest config for the emulator's own tests, for as long as the repository has no
// project-wide Jest config (without one Jest falls back to babel-jest, which cannot strip TS types):
//   npx jest -c test/emulator/jest.config.js test/emulator.test.ts --detectOpenHandles
// With a project-wide ts-jest config, plain `npx jest test/emulator.test.ts` works the same.
// Types are checked by `npm run typecheck` (tsc --noEmit), so ts-jest only transpiles here
// (isolatedModules), which keeps the run short.
const path = require('node:path');
const { compilerOptions } = require('../../tsconfig.json');

module.exports = {
	rootDir: path.join(__dirname, '..', '..'),
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/emulator.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: { ...compilerOptions, isolatedModules: true } }],
	},
};
