// Stand-alone Jest config for the harness self-test, for as long as the repository has no
// project-wide Jest config (without one Jest falls back to babel-jest, which cannot strip TS types):
//   npx jest -c test/harness/jest.config.js test/harness.test.ts --detectOpenHandles
const path = require('node:path');

module.exports = {
	rootDir: path.join(__dirname, '..', '..'),
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, '..', '..', 'tsconfig.json') }],
	},
};
