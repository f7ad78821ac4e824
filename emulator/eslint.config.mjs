// The development code's ESLint config, shared with scripts/ (see scripts/eslint.config.mjs).
export { default } from '../scripts/eslint.config.mjs';
