// Copies the icons, the node's codex file and the entry point into dist/, next to the compiled code, because
// tsc only emits .js files and n8n loads icons with `file:` paths relative to the node.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src('icons/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/icons'));
}

function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

// The package's entry point: index.js at the top level is its source, dist/index.js is what
// ships, so that the published package holds only dist/ (plus README, LICENSE, package.json).
function copyEntryPoint() {
	return src('index.js').pipe(dest('dist'));
}

exports['build:icons'] = parallel(copyIcons, copyCodex, copyEntryPoint);
