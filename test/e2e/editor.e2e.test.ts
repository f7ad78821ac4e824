/**
 * End to end in the real n8n editor (2.x), in headless Chromium driven by playwright-core.
 *
 * n8n is prepared as `npm start` prepares it (the packed package installed as a community package
 * in a fresh user folder, the credential "TensorsLab account" and the example workflows imported,
 * the emulator behind the credential), then started with `n8n start`. In the browser:
 *  - the owner account is set up on n8n's own setup screen;
 *  - a TensorsLab credential is created in the credential dialog: its connection test (run on Save
 *    and by the dialog's Retry button, n8n 2.x's Test button) fails with a wrong key and passes
 *    with the emulator's key, and the emulator saw those requests;
 *  - the TensorsLab node is found in the nodes panel and added; for every resource, operation and
 *    model (from the node description the editor itself loads) the panel shows exactly the
 *    fields the description says, without issue markers; every option of every dropdown, and of
 *    every dropdown inside the Options collections, is selected once;
 *  - a video is generated from the panel and plays in the output panel's binary view;
 *  - the text-to-image example runs from the editor and the output panel shows the image;
 *  - no browser console error, page error or failed request comes from the node or its icons.
 *
 * Screenshots go to <run folder>/screenshots, and also to TENSORSLAB_SCREENSHOTS_DIR when set
 * (`npm run screenshots` sets it to docs/screenshots).
 *
 * The browser is the system's Chromium (scripts/ensure-chromium.sh installs Debian's package when
 * it is missing; TENSORSLAB_CHROMIUM picks another binary). Requests to any origin other than this
 * n8n and the emulator are refused inside the browser, so the page never reaches out.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { NodeHelpers, type INodeParameters, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { chromium, selectors, type BrowserContext, type Locator, type Page } from 'playwright-core';

import * as n8n from '../../scripts/lib/n8n-runtime';
import type { Runtime, StartedN8n } from '../../scripts/lib/n8n-runtime';
import { startEmulator, type Emulator } from '../../emulator';

const AUTO_INSTALL = process.env.TENSORSLAB_E2E_NO_INSTALL !== '1';
const LINES = (process.env.TENSORSLAB_E2E_LINES ?? '2,1')
	.split(',')
	.map((s) => s.trim().replace(/\.x$/, ''))
	.filter(Boolean);
const RUN_ROOT = path.join(n8n.REPO_ROOT, '.e2e', `editor-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const SHOTS_DIRS = [path.join(RUN_ROOT, 'screenshots'), process.env.TENSORSLAB_SCREENSHOTS_DIR].filter(
	(d): d is string => !!d,
);
const ASSETS_DIR = path.join(n8n.REPO_ROOT, 'examples', 'assets');
const NODE_TYPE = 'n8n-nodes-tensorslab.tensorsLab';
const OWNER = { email: 'editor-e2e@example.com', password: 'Editor-e2e-Passw0rd', firstName: 'Editor', lastName: 'Test' };
const UI_CREDENTIAL = 'TensorsLab (editor test)';
const WRONG_KEY = 'tl-editor-e2e-wrong-key';
const EXAMPLES = n8n.loadExamples();
const TEXT_TO_IMAGE = EXAMPLES.find((e) => e.workflow.id === 'tlEx01TextToImage')!.workflow;
const AGENT_EXAMPLE = EXAMPLES.find((e) => e.workflow.id === 'tlEx10AgentImages')?.workflow;
/** Options n8n itself adds to a node's Resource and Operation dropdowns (not in the description). */
const N8N_ADDED_OPTIONS = ['Custom API Call'];
const SAMPLE_TEXT: Record<string, string> = {
	prompt: 'A lighthouse on a cliff at sunset, oil painting, warm light',
	imageUrl: '',
	binaryPropertyNames: '',
};
const LONG = 120_000;
const RUN_STARTED = Date.now();

selectors.setTestIdAttribute('data-test-id');

let runtime: Runtime;
let emu: Emulator;
let server: StartedN8n;
let context: BrowserContext;
let page: Page;
let description: INodeTypeDescription;
const outputDir = path.join(RUN_ROOT, 'output');
const userFolder = path.join(RUN_ROOT, 'user');
/** Everything the browser reported, for the last test. */
const browserErrors: Array<{ kind: string; text: string; url: string }> = [];
const refusedOutside: string[] = [];
const timings: Array<{ what: string; ms: number }> = [];

/** A line with the time into the run, in <run folder>/progress.log (for a run that hangs). */
function progress(line: string): void {
	fs.appendFileSync(path.join(RUN_ROOT, 'progress.log'), `${((Date.now() - RUN_STARTED) / 1000).toFixed(1)} s  ${line}\n`);
}

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
	const started = Date.now();
	try {
		return await fn();
	} finally {
		timings.push({ what, ms: Date.now() - started });
		progress(`${what}: ${Date.now() - started} ms`);
	}
}

/** The editor is n8n 2.x's: skipped when TENSORSLAB_E2E_LINES leaves the 2.x line out. */
(LINES.includes('2') ? describe : describe.skip)('the n8n 2.x editor', () => {
	beforeAll(async () => {
		pruneOldRuns();
		fs.mkdirSync(outputDir, { recursive: true });
		const chromiumPath = await timed('ensure Chromium', async () => ensureChromium());
		runtime = await timed('ensure n8n runtime', () => ensureRuntime('2'));
		if (!runtime.installed) throw new Error(`n8n ${runtime.version} is not installed: run scripts/install-n8n.sh 2`);
		await timed('build check', ensureBuilt);
		const tarball = await timed('npm pack', () => n8n.packProject(path.join(RUN_ROOT, 'pack')));

		// As scripts/start.js (npm start) does: the emulator with real-looking 512 px images, the
		// package installed, the credential and the examples imported, then `n8n start`.
		emu = await startEmulator({ imageWidth: 512, imageHeight: 512 });
		const env = n8n.n8nEnv(runtime, {
			userFolder,
			fileAccess: [outputDir, ASSETS_DIR],
			extra: { TENSORSLAB_OUTPUT_DIR: outputDir, TENSORSLAB_INPUT_IMAGE: path.join(ASSETS_DIR, 'source.png') },
		});
		await timed('install package', () => n8n.installCommunityPackage(userFolder, tarball));
		await timed('import credential', () => n8n.importCredentials(runtime, env, [n8n.tensorsLabCredential({ apiKey: emu.apiKey, baseUrl: emu.url })]));
		await timed('import examples', () => n8n.importWorkflows(runtime, env, EXAMPLES.map((e) => e.workflow)));
		const log = fs.createWriteStream(path.join(RUN_ROOT, 'n8n.log'));
		server = await timed('n8n start', () => n8n.startN8n(runtime, env, { onOutput: (c) => log.write(c) }));

		const allowed = new Set([new URL(server.url).origin, `http://localhost:${server.port}`, new URL(emu.url).origin, new URL(emu.imageOrigin).origin]);
		context = await chromium.launchPersistentContext(path.join(RUN_ROOT, 'chromium-profile'), {
			executablePath: chromiumPath,
			headless: true,
			// As root in a container, on a machine whose network reaches nothing outside: no sandbox,
			// no GPU, and none of Chromium's own background connections.
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--disable-dev-shm-usage',
			],
			viewport: { width: 1440, height: 900 },
			deviceScaleFactor: 1,
		});
		context.setDefaultTimeout(60_000);
		// The editor looks some things up elsewhere (e.g. a community package's page on the npm
		// registry): refused here, and listed in the log, so that nothing leaves this machine.
		await context.route(
			(url) => /^(http|ws)s?:$/.test(url.protocol) && !allowed.has(url.origin.replace(/^ws/, 'http')),
			async (route) => {
				refusedOutside.push(route.request().url());
				await route.abort('blockedbyclient');
			},
		);
		page = context.pages()[0] ?? (await context.newPage());
		const isOutside = (url: string) => /^https?:/.test(url) && !allowed.has(new URL(url).origin);
		page.on('console', (msg) => {
			if (msg.type() !== 'error') return;
			const url = msg.location()?.url ?? '';
			// The refused outside requests above are logged by Chromium as console errors; not the node's.
			if (isOutside(url)) return;
			browserErrors.push({ kind: 'console', text: msg.text(), url });
		});
		page.on('pageerror', (error) => browserErrors.push({ kind: 'pageerror', text: `${error.message}\n${error.stack ?? ''}`, url: '' }));
		page.on('requestfailed', (req) => {
			if (!isOutside(req.url())) browserErrors.push({ kind: 'requestfailed', text: req.failure()?.errorText ?? '', url: req.url() });
		});
		page.on('response', (res) => {
			if (res.status() >= 400 && !isOutside(res.url())) browserErrors.push({ kind: `http ${res.status()}`, text: res.statusText(), url: res.url() });
		});
	}, 50 * 60 * 1000);

	afterAll(async () => {
		await context?.close().catch(() => undefined);
		await server?.stop();
		await emu?.close();
		fs.mkdirSync(RUN_ROOT, { recursive: true });
		fs.writeFileSync(path.join(RUN_ROOT, 'timings.json'), JSON.stringify(timings, null, 2));
		console.log(
			`editor e2e (n8n ${runtime?.version}) timings (ms):\n${timings.map((t) => `  ${t.what}: ${t.ms}`).join('\n')}` +
				`\nrefused outside requests: ${refusedOutside.length ? [...new Set(refusedOutside)].join(', ') : 'none'}` +
				`\nbrowser errors (all, also n8n's own): ${browserErrors.length}`,
		);
		fs.writeFileSync(path.join(RUN_ROOT, 'browser-errors.json'), JSON.stringify({ browserErrors, refusedOutside }, null, 2));
	});

	test('owner account: set up on n8n’s own setup screen', async () => {
		await timed('owner setup', async () => {
			await page.goto(`${server.url}/`, { waitUntil: 'domcontentloaded' });
			await page.waitForURL(/\/setup/, { timeout: LONG });
			await page.locator('input[name=email]').fill(OWNER.email);
			await page.locator('input[name=firstName]').fill(OWNER.firstName);
			await page.locator('input[name=lastName]').fill(OWNER.lastName);
			await page.locator('input[name=password]').fill(OWNER.password);
			await page.getByTestId('form-submit-button').click();
			await page.waitForURL((u) => !/\/setup/.test(u.pathname), { timeout: LONG });
		});
		expect(await n8n.needsOwnerSetup(server.url)).toBe(false);
		// The description the editor itself works from (as loaded by the page, after login).
		const loaded = await page.evaluate(async (name) => {
			const types = (await (await fetch('/types/nodes.json')).json()) as Array<{ name: string }>;
			return { ours: types.filter((t) => t.name === name || t.name === `${name}Tool`), count: types.length };
		}, NODE_TYPE);
		description = loaded.ours.find((t) => t.name === NODE_TYPE) as unknown as INodeTypeDescription;
		expect(description).toBeDefined();
		expect(loaded.ours.map((t) => t.name)).toContain(`${NODE_TYPE}Tool`);
	});

	test('credential dialog: the connection test fails with a wrong key and passes with the emulator key', async () => {
		emu.reset();
		progress('credential dialog');
		await page.goto(`${server.url}/home/credentials/create`, { waitUntil: 'domcontentloaded' });
		const typeSelect = page.getByTestId('new-credential-type-select');
		await typeSelect.waitFor({ timeout: LONG });
		await typeSelect.locator('input').first().click();
		await page.keyboard.type('TensorsLab');
		await page.getByTestId('new-credential-type-select-option').filter({ hasText: 'TensorsLab API' }).click();
		await page.getByTestId('new-credential-type-button').click();
		const modal = page.getByTestId('editCredential-modal');
		await modal.waitFor();
		await expectIconLoaded(modal.locator('img').first());

		await modal.getByTestId('credential-name').click();
		await modal.getByTestId('inline-edit-input').fill(UI_CREDENTIAL);
		await modal.getByTestId('inline-edit-input').press('Enter');
		await modal.getByTestId('parameter-input-apiKey').locator('input').fill(WRONG_KEY);
		await modal.getByTestId('parameter-input-baseUrl').locator('input').fill(emu.url);

		const failed = modal.getByText('Couldn’t connect with these settings');
		const passed = modal.getByTestId('credentials-config-container-test-success');
		const retry = modal.getByTitle('Retry credential test').filter({ visible: true });
		await timed('credential test: wrong key (save)', async () => {
			await modal.getByTestId('credential-save-button').click();
			await failed.waitFor({ timeout: LONG });
		});
		const details = modal.getByText('More details');
		if (await details.isVisible()) await details.click();
		expect(await modal.innerText()).toMatch(/unauthori[sz]ed|refused the API key|401/i);
		const wrongBefore = keyRequests(WRONG_KEY).length;
		await timed('credential test: wrong key (Retry)', async () => {
			await retry.click();
			await waitUntil(() => keyRequests(WRONG_KEY).length > wrongBefore, 'the Retry button sent no test request');
			await failed.waitFor();
		});

		await modal.getByTestId('parameter-input-apiKey').locator('input').fill(emu.apiKey);
		await timed('credential test: emulator key (save)', async () => {
			await modal.getByTestId('credential-save-button').click();
			await passed.waitFor({ timeout: LONG });
		});
		expect(await passed.innerText()).toMatch(/Connection tested successfully/);
		const goodBefore = keyRequests(emu.apiKey).length;
		await retry.click();
		await waitUntil(() => keyRequests(emu.apiKey).length > goodBefore, 'the Retry button sent no test request');
		await passed.waitFor();
		await shoot('credential-test', page);

		// Every test was the free no-op delete, refused for the wrong key and accepted for the right one.
		expect(keyRequests(WRONG_KEY).length).toBeGreaterThanOrEqual(2);
		for (const r of keyRequests(WRONG_KEY)) expect(r.response?.status).toBe(401);
		expect(keyRequests(emu.apiKey).length).toBeGreaterThanOrEqual(2);
		for (const r of keyRequests(emu.apiKey)) expect(r.response?.status).toBe(200);
		for (const r of emu.apiRequests('deleteimagestask')) expect(r.json).toEqual({ taskids: [] });
		expect(emu.apiRequests('generate')).toHaveLength(0);
		const close = modal.locator('.el-dialog__close').first();
		if (await close.isVisible()) await close.click();
		else await page.keyboard.press('Escape');
		await modal.waitFor({ state: 'hidden' });
	});

	describe('the TensorsLab node in a new workflow', () => {
		let ndv: Locator;
		/** Parameters set in the panel (options chosen, required text filled); the rest are defaults. */
		let values: INodeParameters = {};
		const exercised = new Set<string>();
		const visited: string[] = [];
		let selections = 0;

		test('is found in the nodes panel and added after a Manual Trigger; its panel opens', async () => {
			await timed('add nodes', async () => {
				await page.goto(`${server.url}/workflow/new`, { waitUntil: 'domcontentloaded' });
				await page.getByTestId('canvas-plus-button').click();
				await page.getByTestId('node-creator-search-bar').fill('manual');
				await page.getByTestId('node-creator').getByTestId('item-iterator-item').filter({ hasText: 'Manual Trigger' }).first().click();
				await page.getByTestId('canvas-handle-plus-wrapper').first().click();
				await page.getByTestId('node-creator-search-bar').fill('TensorsLab');
				const item = page.getByTestId('node-creator').getByTestId('item-iterator-item').filter({ hasText: 'TensorsLab' }).first();
				await item.waitFor();
				await expectIconLoaded(item.locator('img').first());
				await item.click();
				// The actions list: one entry per operation that has an action label.
				await page.getByTestId('node-creator').getByText('Generate images and wait for them').click();
			});
			ndv = page.getByTestId('ndv');
			await ndv.waitFor();
			await expectIconLoaded(ndv.locator('img').first());
			// Credential entries read "<name><type>": picked by the name at their start.
			await pickFromDropdown(ndv.getByTestId('node-credentials-select'), UI_CREDENTIAL, { prefix: true });
			values = { resource: 'image', operation: 'generateAndWait' };

			// An empty required Prompt does get an issue marker once touched: the check below sees them.
			const prompt = field('prompt');
			await prompt.click();
			await ndv.getByTestId('parameter-input-batchSize').locator('input').click();
			await ndv.getByTestId('parameter-issues').first().waitFor();
			await prompt.fill(SAMPLE_TEXT.prompt);
			await ndv.getByTestId('parameter-input-batchSize').locator('input').fill('2');
			await selectParameter('resolution', '16:9');
			await checkPanel('image / generateAndWait, for the screenshot');
			await shoot('node-generate-and-wait', page);
		});

		test('every resource, operation and model shows its fields without issue markers; every dropdown option can be selected', async () => {
			const started = Date.now();
			const resourceProp = topLevel('resource')!;
			await expectDropdownOptions('resource', resourceProp);
			for (const resource of ownOptions(resourceProp)) {
				await selectParameter('resource', resource.value);
				const operationProp = topLevel('operation')!;
				await expectDropdownOptions('operation', operationProp);
				for (const operation of ownOptions(operationProp)) {
					await selectParameter('operation', operation.value);
					const modelProp = topLevel('model');
					const models = modelProp?.type === 'options' ? ownOptions(modelProp).map((o) => o.value) : [undefined];
					if (modelProp) await expectDropdownOptions('model', modelProp);
					for (const model of models) {
						if (model !== undefined) await selectParameter('model', model);
						const where = [resource.value, operation.value, model].filter(Boolean).join(' / ');
						progress(`${where} (${selections} selections so far)`);
						await checkPanel(where);
						visited.push(where);
						await exerciseDropdowns(where, new Set(['resource', 'operation', 'model']));
						await exerciseCollections(where);
					}
					// Back to the default model, so that the next operation starts from defaults.
					if (modelProp && models.length > 1) await selectParameter('model', String(modelProp.default));
					await selectN8nAddedOptions('operation', operation.value);
				}
				await selectN8nAddedOptions('resource', resource.value);
			}
			timings.push({ what: `panel: ${visited.length} resource/operation/model states, ${selections} selections`, ms: Date.now() - started });
			console.log(`panel states checked (${visited.length}): ${visited.join('; ')}`);
			// Every resource, operation and model of the description was visited.
			for (const r of ownOptions(resourceProp)) expect(visited.some((v) => v.startsWith(`${r.value} / `))).toBe(true);
			expect(selections).toBeGreaterThan(visited.length);
		}, 30 * 60 * 1000);

		test('a video generated from the panel plays in the output panel’s binary view', async () => {
			const videoResource = (topLevel('resource')?.options as Array<{ value: string }>).some((o) => o.value === 'video');
			if (!videoResource) {
				console.log('no video resource in this node version: video check skipped');
				return;
			}
			emu.reset();
			await selectParameter('resource', 'video');
			await selectParameter('operation', 'generateAndWait');
			await fillRequired();
			await checkPanel('video / generateAndWait, before running');
			const output = page.getByTestId('output-panel');
			await timed('video: execute step', async () => {
				await ndv.getByTestId('node-execute-button').click();
				await output.getByTestId('node-run-status-success').waitFor({ timeout: LONG });
			});
			expect(emu.log.filter((r) => r.origin === 'api' && r.path.startsWith('/v1/video/') && r.method === 'POST').length).toBeGreaterThan(0);
			await output.getByRole('radio', { name: 'Binary' }).click();
			await output.getByTestId('ndv-view-binary-data').first().click();
			const video = ndv.locator('video');
			await video.waitFor();
			const played = await video.evaluate(async (el: HTMLVideoElement) => {
				el.muted = true;
				await el.play();
				const deadline = Date.now() + 20_000;
				while (el.currentTime === 0 && !el.error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
				return { currentTime: el.currentTime, width: el.videoWidth, height: el.videoHeight, error: el.error?.code ?? null, duration: el.duration };
			});
			expect(played.error).toBeNull();
			expect(played.currentTime).toBeGreaterThan(0);
			expect(played.width).toBeGreaterThan(0);
			console.log(`video in the binary view: ${JSON.stringify(played)}`);
			await page.keyboard.press('Escape');
		});

		test('the canvas node shows no issue marker', async () => {
			if (await ndv.isVisible()) await ndv.getByTestId('ndv-close-button').click();
			await ndv.waitFor({ state: 'hidden' });
			const node = page.getByTestId('canvas-node').filter({ hasText: 'Generate' }).first();
			await expectIconLoaded(node.locator('img').first());
			expect(await node.getByTestId('canvas-node-status-warning').count()).toBe(0);
		});

		// ----- helpers of this block -----

		/** The displayed top-level property of that name for the current values. */
		function topLevel(name: string): INodeProperties | undefined {
			return displayedProperties(values).find((p) => p.name === name);
		}

		function field(name: string): Locator {
			return ndv.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();
		}

		/** Selects the option with that value of a displayed top-level options parameter. */
		async function selectParameter(name: string, value: string): Promise<void> {
			const prop = topLevel(name);
			if (!prop || prop.type !== 'options') throw new Error(`"${name}" is not a displayed dropdown for ${JSON.stringify(values)}`);
			const option = (prop.options as Array<{ name: string; value: string }>).find((o) => o.value === value);
			if (!option) throw new Error(`"${name}" has no option ${value}`);
			await pickFromDropdown(ndv.getByTestId(`parameter-input-${name}`), option.name);
			selections++;
			if (value === prop.default) delete values[name];
			else values[name] = value;
			if (name === 'resource' || name === 'operation') {
				// n8n resets what depends on them; so does the model here.
				for (const k of Object.keys(values)) if (!['resource', 'operation'].includes(k) && k !== name) delete values[k];
				if (name === 'resource') delete values.operation;
			}
			await fillRequired();
		}

		/** The dropdown lists the description's options (plus any n8n adds itself), in order. */
		async function expectDropdownOptions(name: string, prop: INodeProperties): Promise<void> {
			const shown = await listDropdown(ndv.getByTestId(`parameter-input-${name}`));
			expect(shown.filter((o) => !N8N_ADDED_OPTIONS.includes(o))).toEqual(ownOptions(prop).map((o) => o.name));
		}

		/** n8n's own extra options ("Custom API Call"): selectable, no issue marker; then back. */
		async function selectN8nAddedOptions(name: string, back: string): Promise<void> {
			const shown = await listDropdown(ndv.getByTestId(`parameter-input-${name}`));
			for (const extra of shown.filter((o) => N8N_ADDED_OPTIONS.includes(o))) {
				await pickFromDropdown(ndv.getByTestId(`parameter-input-${name}`), extra);
				selections++;
				await expectNoIssues(`${name} = ${extra}`);
				const prop = description.properties.find((p) => p.name === name && (p.options as Array<{ value: string }>)?.some((o) => o.value === back));
				const backName = (prop?.options as Array<{ name: string; value: string }>).find((o) => o.value === back)!.name;
				await pickFromDropdown(ndv.getByTestId(`parameter-input-${name}`), backName);
			}
		}

		/** Fills every displayed required text field that is empty (as a user must). */
		async function fillRequired(): Promise<void> {
			for (const prop of displayedProperties(values)) {
				if (!prop.required || prop.type !== 'string') continue;
				const input = field(prop.name);
				// A field that is not there is reported by checkPanel, with the whole picture.
				if (!(await input.waitFor({ timeout: 10_000 }).then(() => true, () => false))) continue;
				if ((await input.inputValue()) === '') await input.fill(SAMPLE_TEXT[prop.name] || `e2e-${prop.name}`);
			}
		}

		/** Each displayed dropdown (but those iterated outside): every option once, then its default again. */
		async function exerciseDropdowns(where: string, skip: Set<string>): Promise<void> {
			for (const prop of displayedProperties(values)) {
				if (prop.type !== 'options' || skip.has(prop.name)) continue;
				const signature = `${prop.name}:${JSON.stringify((prop.options as Array<{ value: unknown }>).map((o) => o.value))}`;
				if (exercised.has(signature)) continue;
				exercised.add(signature);
				await expectDropdownOptions(prop.name, prop);
				for (const option of ownOptions(prop)) {
					await selectParameter(prop.name, option.value);
					await checkPanel(`${where}, ${prop.name} = ${option.value}`);
					// A dropdown that only this option reveals gets the same treatment.
					await exerciseDropdowns(`${where}, ${prop.name} = ${option.value}`, new Set([...skip, prop.name]));
				}
				await selectParameter(prop.name, String(prop.default));
				await checkPanel(`${where}, ${prop.name} back to its default`);
			}
		}

		/** Each displayed collection (Options): every entry added; their dropdowns exercised; removed again. */
		async function exerciseCollections(where: string): Promise<void> {
			for (const prop of displayedProperties(values)) {
				if (prop.type !== 'collection') continue;
				const children = prop.options as INodeProperties[];
				const signature = `${prop.name}:${JSON.stringify(children.map((c) => [c.name, c.type, c.options && (c.options as Array<{ value?: unknown }>).map((o) => o.value)]))}`;
				if (exercised.has(signature)) continue;
				exercised.add(signature);
				const item = parameterItem(prop.name);
				const add = item.getByTestId('collection-parameter-add');
				const listed = await listDropdown(add);
				expect([...listed].sort()).toEqual(children.map((c) => c.displayName).sort());
				for (const child of children) {
					await pickFromDropdown(add, child.displayName);
					selections++;
					await item.getByTestId(`parameter-input-${child.name}`).waitFor();
				}
				expect(await collectionChildren(prop.name)).toEqual(expect.arrayContaining(children.map((c) => c.name)));
				await expectNoIssues(`${where}, all ${prop.displayName} added`);
				for (const child of children) {
					if (child.type !== 'options') continue;
					const input = item.getByTestId(`parameter-input-${child.name}`);
					const shown = await listDropdown(input);
					expect(shown).toEqual((child.options as Array<{ name: string }>).map((o) => o.name));
					for (const option of child.options as Array<{ name: string }>) {
						await pickFromDropdown(input, option.name);
						selections++;
						await expectNoIssues(`${where}, ${prop.name}.${child.name} = ${option.name}`);
					}
				}
				// Remove the entries again (the trash button shows on hover).
				for (const child of children) {
					const childItem = item.getByTestId('parameter-item').filter({ has: page.locator(`label[for="${child.name}"]`) }).first();
					await childItem.hover();
					await childItem.locator('button[title="Delete"]').first().click();
					await childItem.waitFor({ state: 'detached' });
				}
				expect(await collectionChildren(prop.name)).toEqual([]);
				await checkPanel(`${where}, ${prop.displayName} emptied again`);
			}
		}

		function parameterItem(name: string): Locator {
			return ndv.getByTestId('node-parameters').getByTestId('parameter-item').filter({ has: page.locator(`label[for="${name}"]`) }).first();
		}

		async function collectionChildren(name: string): Promise<string[]> {
			return await parameterItem(name).evaluate(
				(item, own) =>
					Array.from(item.querySelectorAll('label[for]'))
						.filter((l) => (l as HTMLElement).offsetParent !== null && l.getAttribute('for') !== own)
						.map((l) => l.getAttribute('for') ?? ''),
				name,
			);
		}

		/**
		 * The panel shows exactly the top-level fields the description says for the current values, in
		 * order, and no issue marker anywhere.
		 */
		async function checkPanel(where: string): Promise<void> {
			const expected = displayedProperties(values);
			const names = [...new Set(expected.filter((p) => p.type !== 'notice').map((p) => p.name))];
			const notices = expected.filter((p) => p.type === 'notice').map((p) => plain(p.displayName).slice(0, 40));
			let shown: { names: string[]; text: string } = { names: [], text: '' };
			const ok = await poll(async () => {
				shown = await ndv.getByTestId('node-parameters').evaluate((root) => {
					const labels = Array.from(root.querySelectorAll('label[for]')).filter((l) => {
						if ((l as HTMLElement).offsetParent === null) return false;
						let depth = 0;
						for (let p = l.parentElement; p && p !== root; p = p.parentElement) if (p.getAttribute('data-test-id') === 'parameter-item') depth++;
						return depth === 1;
					});
					return { names: labels.map((l) => l.getAttribute('for') ?? ''), text: (root as HTMLElement).innerText };
				});
				return JSON.stringify(shown.names) === JSON.stringify(names) && notices.every((n) => shown.text.includes(n));
			});
			if (!ok) {
				await shoot(`failure-${visited.length}`, page, { docs: false });
				throw new Error(`${where}: the panel shows [${shown.names.join(', ')}], the description says [${names.join(', ')}]${notices.length ? ` and notices ${JSON.stringify(notices)}` : ''}`);
			}
			await expectNoIssues(where);
		}

		async function expectNoIssues(where: string): Promise<void> {
			// Issue markers render in the same update as the fields; wait for two frames to be sure.
			await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
			const issues = await ndv.evaluate((root) =>
				Array.from(root.querySelectorAll('[data-test-id=parameter-issues], [data-test-id=node-issues]'))
					.filter((e) => (e as HTMLElement).offsetParent !== null)
					.map((e) => {
						const item = e.closest('[data-test-id=parameter-item]');
						return `${item?.querySelector('label[for]')?.getAttribute('for') ?? 'node'}: ${(e as HTMLElement).innerText || e.getAttribute('title') || ''}`;
					}),
			);
			if (issues.length) {
				await shoot(`failure-issues-${visited.length}`, page, { docs: false });
				throw new Error(`${where}: issue markers on ${issues.join('; ')}`);
			}
		}
	});

	test('the text-to-image example runs from the editor and the output panel shows the image', async () => {
		emu.reset();
		for (const f of fs.readdirSync(outputDir)) fs.rmSync(path.join(outputDir, f), { force: true });
		await page.goto(`${server.url}/workflow/${TEXT_TO_IMAGE.id}`, { waitUntil: 'domcontentloaded' });
		const lastNode = page.locator('[data-test-id=canvas-node][data-node-name="Write Image Files"]');
		await lastNode.waitFor();
		await timed('example 01: execute workflow', async () => {
			await page.getByTestId('execute-workflow-button').click();
			await lastNode.getByTestId('canvas-node-status-success').waitFor({ timeout: LONG });
		});
		const gen = emu.apiRequests('generate');
		expect(gen).toHaveLength(1);
		expect(gen[0].fields.prompt).toEqual(['A lighthouse on a cliff at sunset, oil painting, warm light']);
		expect(fs.readdirSync(outputDir).filter((f) => f.endsWith('.png'))).toHaveLength(2);

		await page.locator('[data-test-id=canvas-node][data-node-name="Generate Images"]').dblclick();
		const ndv = page.getByTestId('ndv');
		const output = page.getByTestId('output-panel');
		await output.getByTestId('node-run-status-success').waitFor();
		expect(await output.getByTestId('ndv-items-count').innerText()).toMatch(/2 items/);
		await output.getByRole('radio', { name: 'Binary' }).click();
		const first = output.getByTestId('ndv-binary-data_0');
		const taskId = [...emu.tasks.keys()][0];
		await first.getByText(`tensorslab-${taskId}-0.png`).waitFor();
		expect(await first.innerText()).toMatch(/image\/png/);
		await first.getByTestId('ndv-view-binary-data').click();
		const image = output.locator('img[src*="/rest/binary-data"]');
		await image.waitFor();
		await waitUntilAsync(async () => (await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)) === true, 'the image did not load');
		expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([512, 512]);
		// The output side of the panel (parameters and output; the input side shows this machine's
		// output folder, which has no place in the README).
		const input = await page.getByTestId('ndv-input-panel').boundingBox();
		const box = await ndv.boundingBox();
		if (input && box) {
			const x = input.x + input.width;
			await shoot('output-image', page, { clip: { x, y: box.y, width: box.x + box.width - x, height: box.height } });
		} else {
			await shoot('output-image', page);
		}
		await page.keyboard.press('Escape');
	});

	test('the AI agent example opens in the editor', async () => {
		if (!AGENT_EXAMPLE) return;
		await page.goto(`${server.url}/workflow/${AGENT_EXAMPLE.id}`, { waitUntil: 'domcontentloaded' });
		const tool = page.locator('[data-test-id=canvas-node][data-node-name="Generate Image"]');
		await tool.waitFor();
		await expectIconLoaded(tool.locator('img').first());
		await page.getByTestId('zoom-to-fit').click();
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
		await shoot('agent-workflow', page);
	});

	test('no browser console error, page error or failed request comes from the node or its icons', async () => {
		// The icons the editor was told about load, as SVG, in light and dark.
		const iconUrls = Object.values((description as unknown as { iconUrl?: Record<string, string> }).iconUrl ?? {});
		expect(iconUrls.length).toBeGreaterThan(0);
		for (const u of iconUrls) {
			const res = await fetch(`${server.url}/${u.replace(/^\//, '')}`);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toMatch(/svg/);
		}
		const ours = browserErrors.filter((e) => /tensors?lab/i.test(`${e.text} ${e.url}`));
		if (ours.length) throw new Error(`errors from the node or its icons:\n${JSON.stringify(ours, null, 2)}`);
		// Page errors (uncaught exceptions) of any origin are listed for the record.
		const pageErrors = browserErrors.filter((e) => e.kind === 'pageerror');
		if (pageErrors.length) console.log(`page errors (none names the node): ${pageErrors.map((e) => e.text.split('\n')[0]).join(' | ')}`);
	});
});

// ----- shared helpers -----

/** Visible top-level properties of the node for these parameter values, as n8n computes them. */
function displayedProperties(values: INodeParameters): INodeProperties[] {
	const version = typeVersion();
	const node = { typeVersion: version };
	const full = NodeHelpers.getNodeParameters(description.properties, values, true, false, node, description) ?? {};
	const seen = new Set<string>();
	return description.properties.filter((p) => {
		if (!NodeHelpers.displayParameter(full, p, node, description)) return false;
		if (seen.has(p.name)) return false;
		seen.add(p.name);
		return true;
	});
}

/**
 * A dropdown's options as the node describes them. n8n adds "Custom API Call" to the Resource and
 * Operation of a node whose credential can authenticate any request (it is then in the
 * description the editor loads, too); those are tried separately.
 */
function ownOptions(prop: INodeProperties): Array<{ name: string; value: string }> {
	return (prop.options as Array<{ name: string; value: string }>).filter((o) => !N8N_ADDED_OPTIONS.includes(o.name));
}

function typeVersion(): number {
	const v = description.defaultVersion ?? description.version;
	return Array.isArray(v) ? Math.max(...v) : v;
}

/** Opens a dropdown, returns its option names, closes it. */
async function listDropdown(trigger: Locator): Promise<string[]> {
	await trigger.click();
	const items = visibleDropdownItems();
	await items.first().waitFor();
	const names = await optionNames(items);
	await page.keyboard.press('Escape');
	await dropdownClosed();
	return names;
}

/** Opens a dropdown and picks the option with that label; checks that the field then shows it. */
async function pickFromDropdown(trigger: Locator, optionName: string, opts: { prefix?: boolean } = {}): Promise<string[]> {
	// The "Add option" dropdown of a collection stays empty by design (and goes once all are added).
	const addsToCollection = (await trigger.getAttribute('data-test-id')) === 'collection-parameter-add';
	await trigger.click();
	const items = visibleDropdownItems();
	await items.first().waitFor();
	const names = await optionNames(items);
	const index = opts.prefix ? names.findIndex((n) => n.startsWith(optionName)) : names.indexOf(optionName);
	if (index < 0) {
		await page.keyboard.press('Escape');
		throw new Error(`"${optionName}" is not among the options [${names.join(', ')}]`);
	}
	await items.nth(index).click();
	await dropdownClosed();
	if (addsToCollection) return names;
	const input = trigger.locator('input').first();
	if ((await input.count()) && (await input.getAttribute('role')) === 'combobox') {
		if (!(await poll(async () => (await input.inputValue()) === optionName))) {
			throw new Error(`selected "${optionName}", the field shows "${await input.inputValue()}"`);
		}
	}
	return names;
}

function visibleDropdownItems(): Locator {
	return page.locator('.el-select-dropdown__item').filter({ visible: true });
}

async function optionNames(items: Locator): Promise<string[]> {
	return await items.evaluateAll((els) => els.map((e) => ((e.querySelector('.option-headline') ?? e).textContent ?? '').trim()));
}

async function dropdownClosed(): Promise<void> {
	await page.waitForFunction(() => !Array.from(document.querySelectorAll('.el-select-dropdown__item')).some((e) => (e as HTMLElement).offsetParent !== null));
}

async function expectIconLoaded(img: Locator): Promise<void> {
	await img.waitFor();
	const src = (await img.getAttribute('src')) ?? '';
	expect(src).toMatch(/\/icons\/n8n-nodes-tensorslab\/.*\.svg$/);
	await waitUntilAsync(async () => (await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)) === true, `icon ${src} did not load`);
}

/** Screenshot of the page (or a clip of it) into the run folder and, unless docs: false, TENSORSLAB_SCREENSHOTS_DIR. */
async function shoot(name: string, p: Page, opts: { clip?: { x: number; y: number; width: number; height: number }; docs?: boolean } = {}): Promise<void> {
	const dirs = opts.docs === false ? SHOTS_DIRS.slice(0, 1) : SHOTS_DIRS;
	// No focus ring or hover highlight in the picture, and no toast ("Workflow executed
	// successfully") over part of it.
	await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
	await p.mouse.move(720, 8);
	for (const close of await p.locator('.el-notification__closeBtn').filter({ visible: true }).all()) await close.click().catch(() => undefined);
	await p.locator('.el-notification').filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
	const buffer = await p.screenshot({ clip: opts.clip, animations: 'disabled', caret: 'hide' });
	for (const dir of dirs) {
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, `${name}.png`), buffer);
	}
}

function keyRequests(key: string) {
	return emu.apiRequests('deleteimagestask').filter((r) => r.headers.authorization === `Bearer ${key}`);
}

/** Polls a condition every 100 ms for up to `ms`; resolves whether it held. */
async function poll(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
	const deadline = Date.now() + ms;
	for (;;) {
		if (await check()) return true;
		if (Date.now() > deadline) return false;
		await new Promise((r) => setTimeout(r, 100));
	}
}

async function waitUntil(check: () => boolean, message: string, ms = 30_000): Promise<void> {
	if (!(await poll(async () => check(), ms))) throw new Error(message);
}

async function waitUntilAsync(check: () => Promise<boolean>, message: string, ms = 30_000): Promise<void> {
	if (!(await poll(check, ms))) throw new Error(message);
}

function plain(html: string): string {
	return html.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
}

/** scripts/ensure-chromium.sh: the system's Chromium, installed from Debian's packages if missing. */
function ensureChromium(): string {
	const out = execFileSync('bash', [path.join(n8n.REPO_ROOT, 'scripts', 'ensure-chromium.sh')], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		timeout: 15 * 60 * 1000,
	});
	const binary = out.trim().split('\n').pop() ?? '';
	if (!binary || !fs.existsSync(binary)) throw new Error(`scripts/ensure-chromium.sh printed no Chromium path (got "${out}")`);
	return binary;
}

async function ensureRuntime(line: string): Promise<Runtime> {
	const rt = n8n.resolveRuntime(line);
	if (rt.installed || !AUTO_INSTALL) return rt;
	const res = await n8n.run('bash', [path.join(n8n.REPO_ROOT, 'scripts', 'install-n8n.sh'), line], {
		cwd: n8n.REPO_ROOT,
		env: process.env,
		timeoutMs: 45 * 60 * 1000,
	});
	if (res.code !== 0) throw new Error(`scripts/install-n8n.sh ${line} failed:\n${res.stderr.slice(-4000)}`);
	return n8n.resolveRuntime(line);
}

async function ensureBuilt(): Promise<void> {
	if (fs.existsSync(path.join(n8n.REPO_ROOT, 'dist', 'nodes', 'TensorsLab', 'TensorsLab.node.js'))) return;
	if (!AUTO_INSTALL) throw new Error('dist/ is missing: run `npm run build` first');
	const res = await n8n.run('npm', ['run', 'build'], { cwd: n8n.REPO_ROOT, env: process.env });
	if (res.code !== 0) throw new Error(`npm run build failed:\n${res.stdout}\n${res.stderr}`);
}

/** Keeps .e2e/ small: only the two most recent earlier editor runs stay. */
function pruneOldRuns(): void {
	const dir = path.dirname(RUN_ROOT);
	if (!fs.existsSync(dir)) return;
	const runs = fs
		.readdirSync(dir)
		.filter((d) => d.startsWith('editor-'))
		.sort();
	for (const old of runs.slice(0, -2)) fs.rmSync(path.join(dir, old), { recursive: true, force: true });
}
