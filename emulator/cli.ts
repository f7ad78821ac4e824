/**
 * `npm run emulator` — run the TensorsLab emulator in the foreground.
 *
 * Settings come from environment variables, overridden by flags:
 *   TENSORSLAB_EMULATOR_HOST            --host             (default 127.0.0.1)
 *   TENSORSLAB_EMULATOR_PUBLIC_HOST     --public-host      (host written into URLs; default = host)
 *   TENSORSLAB_EMULATOR_PORT            --port             (default 8787; 0 = random)
 *   TENSORSLAB_EMULATOR_IMAGE_PORT      --image-port       (default port+1; 0 = random)
 *   TENSORSLAB_EMULATOR_KEY             --key              (default tl-emulator-key)
 *   TENSORSLAB_EMULATOR_NO_CREDITS_KEY  --no-credits-key   (default tl-no-credits-key)
 *   TENSORSLAB_EMULATOR_CREDITS         --credits          (default unlimited)
 *   TENSORSLAB_EMULATOR_QUEUED_MS       --queued-ms        (default 30)
 *   TENSORSLAB_EMULATOR_PROCESSING_MS   --processing-ms    (default 120)
 *   TENSORSLAB_EMULATOR_IMAGE_WIDTH     --image-width      (default 64)
 *   TENSORSLAB_EMULATOR_IMAGE_HEIGHT    --image-height     (default 64)
 *   TENSORSLAB_EMULATOR_IMAGE_BYTES     --image-bytes      (default none)
 *   TENSORSLAB_EMULATOR_QUIET=1         --quiet            (no per-request lines)
 * Flags take `--name value` or `--name=value`.
 *
 * Defaults are the library's (startEmulator) except the ports, so the CLI, the in-process tests and
 * the e2e tests behave alike. For a human-paced demo try --queued-ms 1000 --processing-ms 4000
 * --image-width 512 --image-height 512.
 *
 * Prints a friendly block and one machine-readable line on stdout:
 *   TENSORSLAB_EMULATOR_READY {"url":"http://127.0.0.1:8787","imageOrigin":"http://127.0.0.1:8788","apiKey":"tl-emulator-key",...}
 */
import { startEmulator } from './index';
import type { EmulatorOptions, RecordedRequest } from './index';

const HELP = `Usage: npm run emulator -- [--port N] [--image-port N] [--host H] [--public-host H] [--key K]
         [--no-credits-key K] [--credits N] [--queued-ms N] [--processing-ms N]
         [--image-width N] [--image-height N] [--image-bytes N] [--quiet]
(each also settable as TENSORSLAB_EMULATOR_<NAME>, e.g. TENSORSLAB_EMULATOR_PORT=8787)`;

const FLAGS = [
	'host',
	'public-host',
	'port',
	'image-port',
	'key',
	'no-credits-key',
	'credits',
	'queued-ms',
	'processing-ms',
	'image-width',
	'image-height',
	'image-bytes',
] as const;
type Flag = (typeof FLAGS)[number];

function parseArgs(argv: string[]): { values: Partial<Record<Flag, string>>; quiet: boolean; help: boolean } {
	const values: Partial<Record<Flag, string>> = {};
	let quiet = false;
	let help = false;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') {
			help = true;
			continue;
		}
		if (arg === '--quiet' || arg === '-q') {
			quiet = true;
			continue;
		}
		const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
		if (!m || !(FLAGS as readonly string[]).includes(m[1])) throw new Error(`Unknown argument ${arg}\n${HELP}`);
		const value = m[2] ?? argv[++i];
		if (value === undefined) throw new Error(`Missing value for --${m[1]}`);
		values[m[1] as Flag] = value;
	}
	return { values, quiet, help };
}

function setting(values: Partial<Record<Flag, string>>, flag: Flag): string | undefined {
	const env = process.env[`TENSORSLAB_EMULATOR_${flag === 'key' ? 'KEY' : flag.toUpperCase().replace(/-/g, '_')}`];
	const v = values[flag] ?? env;
	return v === undefined || v === '' ? undefined : v;
}

function int(name: string, v: string | undefined): number | undefined {
	if (v === undefined) return undefined;
	if (!/^\d+$/.test(v)) throw new Error(`${name} must be a non-negative integer (got "${v}")`);
	return Number(v);
}

function describe(r: RecordedRequest): string {
	const res = r.response ? `${r.response.status}${r.response.code !== undefined ? ` code ${r.response.code}` : ''}` : 'no answer';
	const fault = r.fault ? ` [fault ${r.fault.kind}]` : '';
	return `${new Date(r.time).toISOString()} ${r.origin.padEnd(6)} ${r.method} ${r.path} -> ${res}${fault}`;
}

async function main(): Promise<void> {
	const { values, quiet: quietFlag, help } = parseArgs(process.argv.slice(2));
	if (help) {
		console.log(HELP);
		return;
	}
	const port = int('port', setting(values, 'port')) ?? 8787;
	const imagePort = int('image-port', setting(values, 'image-port')) ?? (port === 0 ? 0 : port + 1);
	const options: EmulatorOptions = {
		host: setting(values, 'host'),
		publicHost: setting(values, 'public-host'),
		port,
		imagePort,
		apiKey: setting(values, 'key'),
		noCreditsKey: setting(values, 'no-credits-key'),
		credits: int('credits', setting(values, 'credits')) ?? null,
		queuedMs: int('queued-ms', setting(values, 'queued-ms')),
		processingMs: int('processing-ms', setting(values, 'processing-ms')),
		imageWidth: int('image-width', setting(values, 'image-width')),
		imageHeight: int('image-height', setting(values, 'image-height')),
		imageBytes: int('image-bytes', setting(values, 'image-bytes')) ?? null,
	};
	const quiet = quietFlag || ['1', 'true', 'yes'].includes((process.env.TENSORSLAB_EMULATOR_QUIET ?? '').toLowerCase());

	const emu = await startEmulator(options);
	const o = emu.options;
	console.log(
		[
			'',
			'  TensorsLab API emulator (development only — no credits are spent, images are generated locally)',
			'',
			`    API base URL   ${emu.url}`,
			`    Image origin   ${emu.imageOrigin}`,
			`    API key        ${emu.apiKey}`,
			`    No-credits key ${emu.noCreditsKey}   (valid, but every generate answers code 9000)`,
			`    Timings        queued ${o.queuedMs} ms, then processing ${o.processingMs} ms`,
			`    Credits        ${o.credits === null ? 'unlimited' : o.credits}`,
			'',
			'  In n8n: Credentials → New → "TensorsLab API"',
			`    API Key:  ${emu.apiKey}`,
			`    Base URL: ${emu.url}`,
			'',
			`  Control: ${emu.url}/__emulator/health · /log · /tasks · POST /reset · /faults · /configure`,
			'  Stop with Ctrl+C.',
			'',
		].join('\n'),
	);
	console.log(
		`TENSORSLAB_EMULATOR_READY ${JSON.stringify({ url: emu.url, imageOrigin: emu.imageOrigin, apiKey: emu.apiKey, noCreditsKey: emu.noCreditsKey })}`,
	);
	if (!quiet) emu.events.on('request', (r: RecordedRequest) => console.log(describe(r)));

	let stopping = false;
	const stop = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n  ${signal}: stopping the emulator…`);
		emu.close().then(
			() => process.exit(0),
			(err: unknown) => {
				console.error(err);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
	console.error(err instanceof Error ? err.message : err);
	process.exit(1);
});
