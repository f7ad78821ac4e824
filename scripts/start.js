#!/usr/bin/env node
'use strict';
/**
 * `npm start` (through scripts/start.sh, which installs, builds and installs n8n first):
 * a local n8n with this package loaded, the credential and the example workflows imported,
 * an owner account ready to log in, and — unless TENSORSLAB_API_KEY is set — the TensorsLab
 * emulator behind the credential. Runs until Ctrl-C, then stops n8n and the emulator.
 *
 * Options: --fresh (start from an empty n8n user folder), --reimport-examples.
 * Environment (all optional):
 *   TENSORSLAB_API_KEY           use the real API with this key (spends credits), no emulator
 *   TENSORSLAB_BASE_URL          real API base URL (default https://api.tensorslab.com)
 *   TENSORSLAB_N8N_LINE          2 (default) or 1
 *   TENSORSLAB_N8N_PORT          editor port on 127.0.0.1 (default 5678)
 *   TENSORSLAB_N8N_EMAIL / TENSORSLAB_N8N_PASSWORD   owner login (default demo@example.com / TensorsLab-demo-1)
 *   TENSORSLAB_N8N_USER_FOLDER   n8n's data (default .n8n-runtime/start-<version> in this clone, kept
 *                                between runs; the n8n install itself is shared, see RUNTIME_ROOT)
 *   TENSORSLAB_OUTPUT_DIR        where the examples write images (default ./output)
 *   TENSORSLAB_EMULATOR_PORT     emulator API port (default 8787, images on the next port)
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const n8n = require('./lib/n8n-runtime');

const say = (msg) => process.stdout.write(`[start] ${msg}\n`);

function portFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

async function main() {
	const args = process.argv.slice(2);
	const line = process.env.TENSORSLAB_N8N_LINE || '2';
	const rt = n8n.resolveRuntime(line);
	if (!rt.installed) throw new Error(`n8n ${rt.version} is not installed: run scripts/install-n8n.sh ${line}`);
	const port = Number(process.env.TENSORSLAB_N8N_PORT || 5678);
	const userFolder = path.resolve(process.env.TENSORSLAB_N8N_USER_FOLDER || path.join(n8n.CLONE_STATE_DIR, `start-${rt.version}`));
	const outputDir = path.resolve(process.env.TENSORSLAB_OUTPUT_DIR || path.join(n8n.REPO_ROOT, 'output'));
	const assetsDir = path.join(n8n.REPO_ROOT, 'examples', 'assets');
	const owner = {
		email: process.env.TENSORSLAB_N8N_EMAIL || 'demo@example.com',
		password: process.env.TENSORSLAB_N8N_PASSWORD || 'TensorsLab-demo-1',
		firstName: 'Demo',
		lastName: 'User',
	};
	const realKey = process.env.TENSORSLAB_API_KEY || '';

	if (!(await portFree(port))) throw new Error(`port ${port} is in use on 127.0.0.1: set TENSORSLAB_N8N_PORT to another port`);
	if (args.includes('--fresh')) {
		say(`--fresh: removing ${userFolder}`);
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
	fs.mkdirSync(userFolder, { recursive: true });
	fs.mkdirSync(outputDir, { recursive: true });

	let emu;
	let server;
	let stopping = false;
	const shutdown = async (code) => {
		if (stopping) return;
		stopping = true;
		say('stopping ...');
		try {
			if (server) await server.stop();
		} catch (e) {
			say(`n8n did not stop cleanly: ${e.message}`);
		}
		if (emu) await emu.close().catch(() => undefined);
		say('stopped');
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	let apiKey;
	let baseUrl;
	if (realKey) {
		apiKey = realKey;
		baseUrl = (process.env.TENSORSLAB_BASE_URL || 'https://api.tensorslab.com').replace(/\/+$/, '');
	} else {
		const { startEmulator } = n8n.loadEmulator();
		const wanted = Number(process.env.TENSORSLAB_EMULATOR_PORT || 8787);
		const free = (await portFree(wanted)) && (await portFree(wanted + 1));
		emu = await startEmulator({
			port: free ? wanted : 0,
			imagePort: free ? wanted + 1 : 0,
			// Human-paced, so the editor shows the node waiting; real-looking 512 px images.
			queuedMs: 1500,
			processingMs: 3500,
			imageWidth: 512,
			imageHeight: 512,
		});
		emu.events.on('request', (r) => {
			if (r.origin !== 'api') return;
			const answer = r.response ? `${r.response.status}${r.response.code !== undefined ? ` code ${r.response.code}` : ''}` : 'no answer';
			process.stdout.write(`[emulator] ${r.method} ${r.path} -> ${answer}\n`);
		});
		apiKey = emu.apiKey;
		baseUrl = emu.url;
	}

	const env = n8n.n8nEnv(rt, {
		userFolder,
		fileAccess: [outputDir, assetsDir],
		extra: { TENSORSLAB_OUTPUT_DIR: outputDir, TENSORSLAB_INPUT_IMAGE: path.join(assetsDir, 'source.png') },
	});

	say(`packing this package and installing it into ${path.join(userFolder, '.n8n', 'nodes')}`);
	const tarball = await n8n.packProject(path.join(userFolder, 'pack'));
	await n8n.installCommunityPackage(userFolder, tarball);

	say('importing the credential "TensorsLab account"');
	await n8n.importCredentials(rt, env, [n8n.tensorsLabCredential({ apiKey, baseUrl })]);
	const marker = path.join(userFolder, '.examples-imported');
	const examples = n8n.loadExamples();
	if (!fs.existsSync(marker) || args.includes('--reimport-examples')) {
		say(`importing ${examples.length} example workflows`);
		await n8n.importWorkflows(rt, env, examples.map((e) => e.workflow));
		fs.writeFileSync(marker, new Date().toISOString());
	} else {
		say('example workflows were imported before (kept as you left them; --reimport-examples to reset them)');
	}

	const logFile = path.join(userFolder, 'n8n.log');
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	say(`starting n8n ${rt.version} on http://localhost:${port} (log: ${logFile}) ...`);
	server = await n8n.startN8n(rt, env, { port, onOutput: (chunk) => logStream.write(chunk) });
	server.child.on('exit', (code, signal) => {
		if (!stopping) {
			say(`n8n exited unexpectedly (${signal ?? code}); see ${logFile}`);
			void shutdown(1);
		}
	});

	let ownerNote = '';
	if (await n8n.needsOwnerSetup(server.url)) {
		await n8n.setupOwner(server.url, owner);
	} else {
		try {
			await n8n.login(server.url, owner);
		} catch {
			ownerNote = ' (this user folder has another owner password: use yours, or --fresh)';
		}
	}

	const lines = [
		'',
		`  n8n ${rt.version} is running:   http://localhost:${port}`,
		`  Log in with:               ${owner.email} / ${owner.password}${ownerNote}`,
		`  Workflows:                 ${examples.map((e) => `"${e.workflow.name}"`).join('\n                             ')}`,
		'                             (open one, then "Execute workflow")',
		realKey
			? `  TensorsLab API:            ${baseUrl} (real API, your key; this spends credits)`
			: `  TensorsLab API:            emulator at ${emu.url}, images at ${emu.imageOrigin} (key ${emu.apiKey}; set TENSORSLAB_API_KEY for the real API)`,
		`  Images are written to:     ${outputDir}`,
		`  n8n started in ${(server.startupMs / 1000).toFixed(1)} s; press Ctrl-C to stop.`,
		'',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	// Keep running: the n8n child and the emulator's servers keep the event loop alive.
}

main().catch((error) => {
	process.stderr.write(`[start] ${error.message}\n`);
	process.exit(1);
});
