// Copies the icons (and the node's codex file) into dist/, next to the compiled code, because
// tsc only emits .js files and n8n loads icons with `file:` paths relative to the node.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src('icons/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/icons'));
}

function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports['build:icons'] = parallel(copyIcons, copyCodex);
