/**
 * `npm run test:live`: checks, against the real TensorsLab service (or any Base URL), that the
 * facts this package relies on still hold, by running the node as a workflow runs it. See
 * docs/live-check.md for what it costs and how to send the report.
 *
 *   TENSORSLAB_API_KEY=… npm run test:live [-- --edit] [-- --spend-video-credits] [-- --report <path>]
 *
 * Exit status: 0 every fact held; 1 a fact failed (named on stderr and in the report); 2 refused
 * to run (no key, a bad option or Base URL).
 */
import { TensorsLabApi } from '../../credentials/TensorsLabApi.credentials';
import { normalizeBaseUrl } from '../../nodes/TensorsLab/helpers/baseUrl';
import { checkKeyConfinement } from './api-facts';
import { FactSheet, withoutQuery, writeReport, type LiveReport } from './report';
import { WireRecorder } from './wire';

const USAGE = `Usage: TENSORSLAB_API_KEY=<key> [TENSORSLAB_BASE_URL=<url>] npm run test:live -- [options]

Checks TensorsLab's documented API facts by running the node against the service.
Spends: one Z-Image image (the cheapest model). The credential Test is free.

Options:
  --edit                  also quick-edit the result (one more image's credits)
  --spend-video-credits   also make one 5 s 480p SeeDance 1.0 Pro Fast video, the cheapest
                          video there is, which still costs far more than an image
  --report <path>         where to write the report, without extension (default: live-report)
  --help                  this text`;

interface Options {
	edit: boolean;
	video: boolean;
	report: string;
}

function parseOptions(args: string[]): Options | string {
	const options: Options = { edit: false, video: false, report: 'live-report' };
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (arg === '--edit') options.edit = true;
		else if (arg === '--spend-video-credits') options.video = true;
		else if (arg === '--report' && args[i + 1]) options.report = args[++i].replace(/\.(md|json)$/, '');
		else if (arg === '--help' || arg === '-h') return USAGE;
		else return `Unknown option "${arg}".\n\n${USAGE}`;
	}
	return options;
}

function refuse(message: string): never {
	process.stderr.write(`test:live: ${message}\n`);
	process.exit(2);
}

async function main(): Promise<number> {
	const options = parseOptions(process.argv.slice(2));
	if (typeof options === 'string') {
		if (options === USAGE) {
			process.stdout.write(`${USAGE}\n`);
			return 0;
		}
		refuse(options);
	}
	const apiKey = (process.env.TENSORSLAB_API_KEY ?? '').trim();
	if (!apiKey) {
		refuse('TENSORSLAB_API_KEY is not set. The live check runs against the TensorsLab service with your key and spends a few credits; set the key (and TENSORSLAB_BASE_URL for another service) and run it again. See docs/live-check.md.');
	}
	const defaultBaseUrl = String(new TensorsLabApi().properties.find((p) => p.name === 'baseUrl')?.default ?? '');
	const givenBaseUrl = (process.env.TENSORSLAB_BASE_URL ?? '').trim();
	// CI runs this check only against the emulator, which it names with TENSORSLAB_BASE_URL.
	if (process.env.CI && !givenBaseUrl) refuse('CI is set and TENSORSLAB_BASE_URL is not: in CI the live check runs only against the emulator.');
	let baseUrl: string;
	try {
		baseUrl = normalizeBaseUrl(givenBaseUrl || defaultBaseUrl);
	} catch (error) {
		refuse((error as Error).message);
	}
	const origin = new URL(baseUrl).origin;
	const redact = (text: string) => text.split(apiKey).join('<key>');
	const sheet = new FactSheet(redact);
	const wire = new WireRecorder(origin);
	const report: LiveReport = { baseUrl, startedAt: new Date().toISOString(), steps: [], facts: sheet.facts, requests: [] };

	process.stdout.write(`TensorsLab live check against ${baseUrl}\n`);
	// Loaded only now: n8n-core takes seconds to load, and a refusal above should not wait for it.
	const { runLiveSteps } = await import('./steps');
	const { disposeHarness } = await import('../../test/harness');
	wire.start();
	try {
		await runLiveSteps({ baseUrl, origin, apiKey, edit: options.edit, video: options.video }, sheet, wire, report.steps);
	} catch (error) {
		sheet.check('check.completed', 'The live check ran to its end', false, (error as Error).stack ?? String(error));
	} finally {
		wire.stop();
		await disposeHarness();
	}
	checkKeyConfinement(sheet, wire.records, origin, apiKey);
	report.finishedAt = new Date().toISOString();
	report.requests = wire.records.map((r) => ({ method: r.method, url: redact(withoutQuery(r.url)), status: r.status, contentType: r.contentType }));
	const files = writeReport(report, options.report);

	for (const fact of sheet.facts) process.stdout.write(`${fact.held ? 'held  ' : 'FAILED'} ${fact.id}: ${fact.claim}${fact.held ? '' : `\n       seen: ${fact.seen}`}\n`);
	for (const s of report.steps.filter((x) => !x.ran)) process.stdout.write(`skipped: ${s.name} (${s.note})\n`);
	process.stdout.write(`Report: ${files.join(', ')}\n`);
	const failed = sheet.failed;
	if (failed.length === 0) {
		process.stdout.write(`Every fact held (${sheet.facts.length}).\n`);
		return 0;
	}
	process.stderr.write(`test:live: ${failed.length} fact(s) failed: ${failed.map((f) => f.id).join(', ')}\n`);
	return 1;
}

main().then(
	(status) => process.exit(status),
	(error: unknown) => {
		process.stderr.write(`test:live: ${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	},
);
