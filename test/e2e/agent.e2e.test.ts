/**
 * End to end: an AI Agent in real n8n really uses the TensorsLab node as a tool.
 *
 * The shipped example examples/10-ai-agent-images.json (Manual Trigger → Example request → AI
 * Agent, with an OpenAI Chat Model and the TensorsLab node as the tool "Generate Image") runs with
 * `n8n execute` in a fresh n8n user folder, with the packed package installed as a community
 * package. Its OpenAI credential's Base URL points at a stand-in for an OpenAI-compatible Chat
 * Completions API written below: the first turn answers with a call of the TensorsLab tool (a
 * prompt and a resolution, the two parameters the example fills with `$fromAI`), the second turn
 * with a final answer that quotes what the tool returned. The TensorsLab credential points at the
 * emulator.
 *
 * Checked: the chat model got the tool with a `prompt` argument in its schema; the emulator got
 * the generate request with the prompt from the tool call; the tool's output went back to the
 * model; the agent's output carries the task ID and the image URL of a task the emulator really
 * created.
 *
 * Community nodes are usable as tools in both pinned lines without further settings (the
 * N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE variable of older n8n versions is gone from 1.123.x and
 * 2.x: neither reads it).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

import * as n8n from '../../scripts/lib/n8n-runtime';
import type { ExecuteResult, N8nItem, Runtime } from '../../scripts/lib/n8n-runtime';
import { startEmulator, type Emulator } from '../../emulator';

const LINES = (process.env.TENSORSLAB_E2E_LINES ?? '2,1')
	.split(',')
	.map((s) => s.trim().replace(/\.x$/, ''))
	.filter(Boolean);
const AUTO_INSTALL = process.env.TENSORSLAB_E2E_NO_INSTALL !== '1';
const RUN_ROOT = path.join(n8n.REPO_ROOT, '.e2e', `agent-${new Date().toISOString().replace(/[:.]/g, '-')}`);

const EXAMPLE_ID = 'tlEx10AgentImages';
const example = n8n.loadExamples().find((e) => e.workflow.id === EXAMPLE_ID);
const OPENAI_CREDENTIAL = { id: 'tlOpenAiCred0001', name: 'OpenAI account' };
const STAND_IN_KEY = 'sk-stand-in-e2e-3b9c1d';
/** What the stand-in model asks the tool for (the user's request says the same in other words). */
const TOOL_PROMPT = 'A red fox standing in fresh snow, soft watercolor, wide landscape';
const TOOL_RESOLUTION = '16:9';

interface ChatRequest {
	body: {
		model?: string;
		stream?: boolean;
		messages: Array<{ role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string }>;
		tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: { properties?: Record<string, unknown> } } }>;
	};
	headers: http.IncomingHttpHeaders;
	path: string;
}

/**
 * A minimal OpenAI-compatible Chat Completions API: POST /v1/chat/completions (plain JSON or
 * server-sent events when `stream` is true) and GET /v1/models. No turn without a tool result yet
 * → a tool call; a turn that carries a tool result → a final answer quoting it.
 */
async function startChatStandIn(): Promise<{ url: string; requests: ChatRequest[]; close: () => Promise<void> }> {
	const requests: ChatRequest[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = req.url ?? '';
			if (req.method === 'GET' && url.endsWith('/models')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'stand-in' }] }));
				return;
			}
			if (req.method !== 'POST' || !url.endsWith('/chat/completions')) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `stand-in: no route ${req.method} ${url}` } }));
				return;
			}
			let body: ChatRequest['body'];
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				res.writeHead(400).end();
				return;
			}
			requests.push({ body, headers: req.headers, path: url });
			const toolResult = body.messages.find((m) => m.role === 'tool');
			const tool = body.tools?.find((t) => t.function.name === 'Generate_Image') ?? body.tools?.[0];
			let message: { role: 'assistant'; content: string | null; tool_calls?: Array<Record<string, unknown>> };
			let finish: string;
			if (!toolResult && tool) {
				message = {
					role: 'assistant',
					content: null,
					tool_calls: [
						{
							id: `call_${requests.length}`,
							type: 'function',
							function: { name: tool.function.name, arguments: JSON.stringify({ prompt: TOOL_PROMPT, resolution: TOOL_RESOLUTION }) },
						},
					],
				};
				finish = 'tool_calls';
			} else {
				const quoted = typeof toolResult?.content === 'string' ? toolResult.content : JSON.stringify(toolResult?.content ?? 'no tool result');
				message = { role: 'assistant', content: `Here is your picture. The image tool answered: ${quoted}` };
				finish = 'stop';
			}
			const id = `chatcmpl-standin-${requests.length}`;
			const created = Math.floor(Date.now() / 1000);
			const model = body.model ?? 'gpt-4o-mini';
			if (body.stream) {
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				const send = (delta: Record<string, unknown>, finishReason: string | null) =>
					res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`);
				send({ role: 'assistant', content: message.content ?? '' }, null);
				if (message.tool_calls) send({ tool_calls: message.tool_calls.map((c, index) => ({ index, ...c })) }, null);
				send({}, finish);
				res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } })}\n\n`);
				res.end('data: [DONE]\n\n');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					id,
					object: 'chat.completion',
					created,
					model,
					choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
					usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
				}),
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** Installs the runtime with scripts/install-n8n.sh when it is missing (as the main e2e suite does). */
async function ensureRuntime(line: string): Promise<Runtime> {
	const runtime = n8n.resolveRuntime(line);
	if (runtime.installed || !AUTO_INSTALL) return runtime;
	const res = await n8n.run('bash', [path.join(n8n.REPO_ROOT, 'scripts', 'install-n8n.sh'), line], {
		cwd: n8n.REPO_ROOT,
		env: process.env,
		timeoutMs: 45 * 60 * 1000,
	});
	if (res.code !== 0) throw new Error(`scripts/install-n8n.sh ${line} failed:\n${res.stderr.slice(-4000)}`);
	return n8n.resolveRuntime(line);
}

let tarball: string;

beforeAll(async () => {
	if (!example) throw new Error(`examples/: no workflow with id ${EXAMPLE_ID}`);
	const built = path.join(n8n.REPO_ROOT, 'dist', 'nodes', 'TensorsLab', 'TensorsLab.node.js');
	if (!fs.existsSync(built)) {
		if (!AUTO_INSTALL) throw new Error('dist/ is missing: run `npm run build` first');
		const res = await n8n.run('npm', ['run', 'build'], { cwd: n8n.REPO_ROOT, env: process.env });
		if (res.code !== 0) throw new Error(`npm run build failed:\n${res.stdout}\n${res.stderr}`);
	}
	pruneOldRuns();
	tarball = await n8n.packProject(path.join(RUN_ROOT, 'pack'));
}, 300_000);

describe.each(LINES)('AI Agent with the TensorsLab tool, n8n line %s', (line) => {
	let runtime: Runtime = n8n.resolveRuntime(line);
	const userFolder = path.join(RUN_ROOT, `n8n-${runtime.version}`, 'user');
	let emu: Emulator;
	let chat: Awaited<ReturnType<typeof startChatStandIn>>;
	let env: NodeJS.ProcessEnv;
	let res: ExecuteResult;
	const printed: string[] = [];

	beforeAll(async () => {
		runtime = await ensureRuntime(line);
		if (!runtime.installed) throw new Error(`n8n ${runtime.version} is not installed: run scripts/install-n8n.sh ${line}`);
		emu = await startEmulator({});
		chat = await startChatStandIn();
		env = n8n.n8nEnv(runtime, { userFolder });
		await n8n.installCommunityPackage(userFolder, tarball);
		const creds = await n8n.importCredentials(runtime, env, [
			n8n.tensorsLabCredential({ apiKey: emu.apiKey, baseUrl: emu.url }),
			{ ...OPENAI_CREDENTIAL, type: 'openAiApi', data: { apiKey: STAND_IN_KEY, url: `${chat.url}/v1` } },
		]);
		const wfs = await n8n.importWorkflows(runtime, env, [example!.workflow]);
		printed.push(creds.stdout, creds.stderr, wfs.stdout, wfs.stderr);
		res = await n8n.executeWorkflow(runtime, env, EXAMPLE_ID, { timeoutMs: 4 * 60 * 1000 });
		printed.push(res.stdout, res.stderr);
		const answer = n8n.nodeOutput(res.execution, 'AI Agent')?.[0]?.json.output;
		console.log(`n8n ${runtime.version}: the agent example ran in ${res.ms} ms (exit ${res.code}); the agent said: ${String(answer).slice(0, 600)}`);
	}, 50 * 60 * 1000);

	afterAll(async () => {
		await emu?.close();
		await chat?.close();
	});

	test('the workflow succeeds and the agent answers', () => {
		if (!res.ok) {
			throw new Error(
				`agent execution failed (exit ${res.code}): ${res.error?.message ?? 'no execution JSON'} ${res.error?.description ?? ''}\n--- stdout ---\n${res.stdout.slice(-6000)}\n--- stderr ---\n${res.stderr.slice(-4000)}`,
			);
		}
		expect(res.execution?.status).toBe('success');
		expect(agentOutput()).toMatch(/^Here is your picture/);
	});

	test('the chat model was offered the TensorsLab tool, with the $fromAI parameters in its schema', () => {
		expect(chat.requests.length).toBe(2);
		const first = chat.requests[0];
		expect(first.headers.authorization).toBe(`Bearer ${STAND_IN_KEY}`);
		expect(first.path).toBe('/v1/chat/completions');
		const tool = first.body.tools?.find((t) => t.function.name === 'Generate_Image');
		expect(tool).toBeDefined();
		expect(tool!.function.description).toMatch(/TensorsLab/);
		expect(Object.keys(tool!.function.parameters?.properties ?? {})).toEqual(expect.arrayContaining(['prompt', 'resolution']));
		const userTurn = first.body.messages.find((m) => m.role === 'user');
		expect(JSON.stringify(userTurn?.content)).toContain('red fox in the snow');
	});

	test('the emulator got the generate request with the prompt from the tool call', () => {
		const gen = emu.apiRequests('generate');
		expect(gen).toHaveLength(1);
		expect(gen[0].path).toBe('/v1/images/seedreamv45');
		expect(gen[0].fields.prompt).toEqual([TOOL_PROMPT]);
		expect(gen[0].fields.resolution).toEqual([TOOL_RESOLUTION]);
		expect(gen[0].headers.authorization).toBe(`Bearer ${emu.apiKey}`);
		// Download Images is off in the example: the tool answers with URLs, nothing is downloaded.
		expect(emu.imageRequests().filter((r) => r.method === 'GET')).toHaveLength(0);
	});

	test("the tool's output went back to the model, and the agent's output has the task ID and the image URL", () => {
		const tasks = [...emu.tasks.keys()];
		expect(tasks).toHaveLength(1);
		const taskId = tasks[0];
		const toolItems = toolOutput();
		expect(toolItems.length).toBeGreaterThan(0);
		const url = String(toolItems[0].json.url ?? (toolItems[0].json.urls as string[] | undefined)?.[0]);
		expect(toolItems[0].json).toMatchObject({ taskId, status: 'completed', prompt: TOOL_PROMPT });
		expect(url).toMatch(new RegExp(`^${escapeRegExp(emu.imageOrigin)}/images/${escapeRegExp(taskId)}/`));

		const second = chat.requests[1];
		const toolTurn = second.body.messages.find((m) => m.role === 'tool');
		expect(String(toolTurn?.content)).toContain(taskId);
		expect(String(toolTurn?.content)).toContain(url);

		const output = agentOutput();
		expect(output).toContain(taskId);
		expect(output).toContain(url);
	});

	test('no API key appears in anything n8n printed', () => {
		const all = printed.join('\n');
		expect(all.length).toBeGreaterThan(0);
		expect(all.includes(emu.apiKey)).toBe(false);
		expect(all.includes(STAND_IN_KEY)).toBe(false);
	});

	function agentOutput(): string {
		const items = n8n.nodeOutput(res.execution, 'AI Agent');
		if (!items?.length) throw new Error(`the AI Agent node produced nothing; ran: ${Object.keys(res.execution?.data.resultData.runData ?? {}).join(', ')}`);
		return String(items[0].json.output);
	}

	/** The tool node's output, on its ai_tool connection. */
	function toolOutput(): N8nItem[] {
		const runs = res.execution?.data.resultData.runData['Generate Image'] as unknown as
			| Array<{ data?: Record<string, N8nItem[][]> }>
			| undefined;
		const items = runs?.[0]?.data?.ai_tool?.[0];
		if (!items) throw new Error(`the Generate Image tool did not run: ${JSON.stringify(runs ?? null).slice(0, 2000)}`);
		return items;
	}
});

function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Keeps .e2e/ small: only the two most recent earlier agent runs stay. */
function pruneOldRuns(): void {
	const dir = path.dirname(RUN_ROOT);
	if (!fs.existsSync(dir)) return;
	const runs = fs
		.readdirSync(dir)
		.filter((d) => d.startsWith('agent-'))
		.sort();
	for (const old of runs.slice(0, -2)) fs.rmSync(path.join(dir, old), { recursive: true, force: true });
}
