// ESLint for the development code: the tests (test/), the emulator (emulator/) and the scripts
// (scripts/), none of which ships. The top-level eslint.config.mjs is n8n-node's default, for the
// published code: it bans timers, `process`, `fs` and `console`, rightly in a node and wrongly in a
// test. `npm run lint` sets ESLINT_FLAGS=unstable_config_lookup_from_file, under which ESLint takes
// for each file the nearest eslint.config.mjs: this one here, and in test/ and emulator/, which
// re-export it. See "Linting" in CONTRIBUTING.md.
//
// TypeScript's rules come from the plugin (`tseslint.plugin.configs['flat/recommended']`), the same
// set as `tseslint.configs.recommended`: in a trial, reading the latter here made n8n's community
// rules report a false `no-credential-reuse` in the node.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.plugin.configs['flat/recommended']],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
		},
	},
	{
		// Plain Node.js scripts, CommonJS (scripts/*.js, the e2e and queue jest configs).
		files: ['**/*.js'],
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'commonjs', globals: globals.node },
	},
	{
		files: ['**/*.mjs'],
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'module', globals: globals.node },
	},
);
