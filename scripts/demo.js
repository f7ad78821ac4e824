#!/usr/bin/env node
'use strict';
/**
 * Headless demo (run through scripts/demo.sh, which builds and installs n8n first):
 * runs examples/01-text-to-image.json in a real n8n with `n8n execute` and leaves the PNG files
 * it writes in ./output (or TENSORSLAB_OUTPUT_DIR).
 *
 * Against the local emulator by default; with TENSORSLAB_API_KEY set, against the real TensorsLab
 * API (TENSORSLAB_BASE_URL, default https://api.tensorslab.com): that spends credits.
 *
 * Environment: TENSORSLAB_API_KEY, TENSORSLAB_BASE_URL, TENSORSLAB_OUTPUT_DIR, TENSORSLAB_N8N_LINE
 * (2 or 1, default 2), TENSORSLAB_DEMO_EXAMPLE (file name prefix, default 01), TENSORSLAB_KEEP_USER_FOLDER=1.
 */
const fs = require('node:fs');
const path = require('node:path');

const n8n = require('./lib/n8n-runtime');

function log(msg) {
	process.stdout.write(`[demo] ${msg}\n`);
}

async function main() {
	const line = process.env.TENSORSLAB_N8N_LINE || '2';
	const rt = n8n.resolveRuntime(line);
	if (!rt.installed) throw new Error(`n8n ${rt.version} is not installed: run scripts/install-n8n.sh ${line}`);
	const realKey = process.env.TENSORSLAB_API_KEY || '';
	const outputDir = path.resolve(process.env.TENSORSLAB_OUTPUT_DIR || path.join(n8n.REPO_ROOT, 'output'));
	const assetsDir = path.join(n8n.REPO_ROOT, 'examples', 'assets');
	const prefix = process.env.TENSORSLAB_DEMO_EXAMPLE || '01';
	const example = n8n.loadExamples().find((e) => path.basename(e.file).startsWith(prefix));
	if (!example) throw new Error(`no example examples/${prefix}-*.json`);

	fs.mkdirSync(outputDir, { recursive: true });
	fs.mkdirSync(path.join(n8n.REPO_ROOT, '.e2e'), { recursive: true });
	const work = fs.mkdtempSync(path.join(n8n.REPO_ROOT, '.e2e', 'demo-'));
	const userFolder = path.join(work, 'user');
	let emu;
	try {
		let apiKey;
		let baseUrl;
		if (realKey) {
			apiKey = realKey;
			baseUrl = (process.env.TENSORSLAB_BASE_URL || 'https://api.tensorslab.com').replace(/\/+$/, '');
			log(`using the real TensorsLab API at ${baseUrl} (this spends credits)`);
		} else {
			const { startEmulator } = n8n.loadEmulator();
			emu = await startEmulator({ imageWidth: 512, imageHeight: 512 });
			apiKey = emu.apiKey;
			baseUrl = emu.url;
			log(`emulator on ${emu.url} (images from ${emu.imageOrigin}); set TENSORSLAB_API_KEY to use the real API`);
		}

		const nodeVersion = require('node:child_process').execFileSync(rt.nodeBin, ['-v'], { encoding: 'utf8' }).trim();
		log(`n8n ${rt.version} on Node ${nodeVersion}, fresh user folder ${userFolder}`);
		const env = n8n.n8nEnv(rt, {
			userFolder,
			fileAccess: [outputDir, assetsDir],
			extra: { TENSORSLAB_OUTPUT_DIR: outputDir, TENSORSLAB_INPUT_IMAGE: path.join(assetsDir, 'source.png') },
		});
		const tarball = await n8n.packProject(path.join(work, 'pack'));
		await n8n.installCommunityPackage(userFolder, tarball);
		await n8n.importCredentials(rt, env, [n8n.tensorsLabCredential({ apiKey, baseUrl })]);
		await n8n.importWorkflows(rt, env, [example.workflow]);

		const before = new Set(fs.readdirSync(outputDir));
		log(`running "${example.workflow.name}" with n8n execute --id=${example.workflow.id} ...`);
		const res = await n8n.executeWorkflow(rt, env, example.workflow.id, { timeoutMs: 15 * 60 * 1000 });
		for (const secret of [apiKey]) {
			if ((res.stdout + res.stderr).includes(secret)) throw new Error('the API key appeared in n8n output');
		}
		if (!res.ok) {
			process.stderr.write(res.stdout.slice(-3000) + res.stderr.slice(-3000));
			throw new Error(`the workflow failed: ${res.error?.message ?? `exit code ${res.code}`}`);
		}
		const written = fs
			.readdirSync(outputDir)
			.filter((f) => !before.has(f))
			.sort();
		log(`done in ${(res.ms / 1000).toFixed(1)} s; ${written.length} file(s) written to ${outputDir}:`);
		for (const f of written) {
			const file = path.join(outputDir, f);
			const head = fs.readFileSync(file).subarray(0, 24);
			const isPng = head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
			const dims = isPng ? ` ${head.readUInt32BE(16)}x${head.readUInt32BE(20)} PNG` : '';
			log(`  ${file} (${fs.statSync(file).size} bytes${dims})`);
		}
		if (written.length === 0) throw new Error('the workflow wrote no file');
	} finally {
		if (emu) await emu.close();
		if (process.env.TENSORSLAB_KEEP_USER_FOLDER !== '1') fs.rmSync(work, { recursive: true, force: true });
		else log(`kept ${work}`);
	}
}

main().catch((error) => {
	process.stderr.write(`[demo] ${error.message}\n`);
	process.exit(1);
});
