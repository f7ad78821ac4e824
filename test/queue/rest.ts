/**
 * The main instance's REST API as the editor uses it (cookie login), for `npm run test:queue`:
 * credentials, workflows and their activation, executions with their data, binary data.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

import * as n8n from '../../scripts/lib/n8n-runtime';
import type { N8nItem, Runtime } from '../../scripts/lib/n8n-runtime';

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	startedAt: string | null;
	stoppedAt: string | null;
	waitTill: string | null;
}

export interface RunData {
	resultData: {
		runData: Record<string, Array<{ data?: { main?: N8nItem[][] }; error?: { message: string } }>>;
		error?: { message: string; description?: string | null; name?: string };
		lastNodeExecuted?: string;
	};
	[key: string]: unknown;
}

export interface Execution extends ExecutionSummary {
	/** The run data, unflattened. */
	data: RunData;
	/** The stored run data as n8n returned it (a `flatted` string). */
	raw: string;
}

export const OWNER = { email: 'queue@example.com', password: 'Queue-Passw0rd!' };

export class Rest {
	private cookie = '';
	private readonly flatted: { parse(text: string): unknown };

	constructor(
		public url: string,
		rt: Runtime,
	) {
		// n8n stores run data in `flatted` form; n8n's own copy of the library reads it.
		this.flatted = createRequire(path.join(rt.dir, 'node_modules', 'n8n', 'package.json'))('flatted');
	}

	async setupOwnerOrLogin(): Promise<void> {
		if (await n8n.needsOwnerSetup(this.url)) await n8n.setupOwner(this.url, OWNER);
		this.cookie = await n8n.login(this.url, OWNER);
	}

	async request<T>(method: string, pathName: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.url}${pathName}`, {
			method,
			headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${pathName}: HTTP ${res.status} ${text.slice(0, 500)}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	async createCredential(cred: { name: string; type: string; data: Record<string, unknown> }): Promise<{ id: string; name: string }> {
		const { data } = await this.request<{ data: { id: string; name: string } }>('POST', '/rest/credentials', cred);
		return { id: data.id, name: data.name };
	}

	/** Creates a workflow (its `id`, `active` and `tags` are n8n's business), publishes it, waits for its webhooks. */
	async createAndActivate(workflow: Record<string, unknown>): Promise<string> {
		const { id: _id, active: _active, tags: _tags, ...body } = workflow;
		const { data } = await this.request<{ data: { id: string; versionId: string } }>('POST', '/rest/workflows', body);
		await this.request('POST', `/rest/workflows/${data.id}/activate`, { versionId: data.versionId });
		const nodes = (workflow.nodes ?? []) as Array<{ type: string; parameters: { path?: string } }>;
		for (const node of nodes) if (node.type === 'n8n-nodes-base.webhook' && node.parameters.path) await this.waitForWebhook(node.parameters.path);
		return data.id;
	}

	/**
	 * Waits until the production webhook POST /webhook/<path> is registered (activation in queue
	 * mode reaches the webhook handler a moment later): a GET then answers "not registered for GET
	 * requests. Did you mean to make a POST request?" instead of "not registered".
	 */
	async waitForWebhook(pathName: string, timeoutMs = 60_000): Promise<void> {
		const started = Date.now();
		for (;;) {
			const res = await fetch(`${this.url}/webhook/${pathName}`, { signal: AbortSignal.timeout(10_000) });
			const text = await res.text();
			if (res.status !== 404 || /POST request/i.test(text)) return;
			if (Date.now() - started > timeoutMs) throw new Error(`webhook ${pathName} not registered after ${timeoutMs} ms: ${text.slice(0, 200)}`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	async executions(workflowId?: string, limit = 100): Promise<ExecutionSummary[]> {
		const filter = workflowId ? `&filter=${encodeURIComponent(JSON.stringify({ workflowId }))}` : '';
		const { data } = await this.request<{ data: { results: ExecutionSummary[] } }>('GET', `/rest/executions?limit=${limit}${filter}`);
		return data.results;
	}

	async execution(id: string): Promise<Execution> {
		const { data } = await this.request<{ data: ExecutionSummary & { data: string } }>('GET', `/rest/executions/${id}`);
		return { ...data, raw: data.data, data: this.flatted.parse(data.data) as RunData };
	}

	/** A binary's bytes through the main instance (GET /rest/binary-data, as the editor downloads it). */
	async binary(id: string): Promise<{ status: number; bytes: Buffer; type: string | null }> {
		const res = await fetch(`${this.url}/rest/binary-data?id=${encodeURIComponent(id)}&action=download`, {
			headers: { cookie: this.cookie },
			signal: AbortSignal.timeout(60_000),
		});
		return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
	}
}

/** Items a node output in an execution (run `run`, output 0), or undefined when it did not run. */
export function nodeItems(execution: Execution, node: string, run = 0): N8nItem[] | undefined {
	return execution.data.resultData.runData[node]?.[run]?.data?.main?.[0];
}

/** Every run of a node (a node in a loop runs several times). */
export function nodeRuns(execution: Execution, node: string): N8nItem[][] {
	return (execution.data.resultData.runData[node] ?? []).map((r) => r.data?.main?.[0] ?? []);
}
