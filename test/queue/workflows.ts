/**
 * The workflows `npm run test:queue` runs besides examples/07-long-wait-loop.json, in the shape a
 * production workflow has in queue mode: webhook-triggered, so the main instance only enqueues and
 * the workers run them.
 */
import { randomUUID } from 'node:crypto';

interface CredentialRef {
	id: string;
	name: string;
}

type Node = Record<string, unknown> & { name: string };

const webhook = (path: string, responseMode: 'lastNode' | 'onReceived' = 'lastNode'): Node => ({
	parameters: { httpMethod: 'POST', path, responseMode, ...(responseMode === 'lastNode' ? { responseData: 'allEntries' } : {}), options: {} },
	id: randomUUID(),
	name: 'Webhook',
	type: 'n8n-nodes-base.webhook',
	typeVersion: 2,
	position: [0, 0],
	webhookId: randomUUID(),
});

/** body.<field> (a list) → one item per entry, under `destination`. */
const splitOut = (field: string, destination: string): Node => ({
	parameters: { fieldToSplitOut: `body.${field}`, include: 'noOtherFields', options: { destinationFieldName: destination } },
	id: randomUUID(),
	name: 'One Item per Entry',
	type: 'n8n-nodes-base.splitOut',
	typeVersion: 1,
	position: [200, 0],
});

const tensorsLab = (name: string, credential: CredentialRef, parameters: Record<string, unknown>): Node => ({
	parameters,
	id: randomUUID(),
	name,
	type: 'n8n-nodes-tensorslab.tensorsLab',
	typeVersion: 1,
	position: [400, 0],
	credentials: { tensorsLabApi: credential },
});

/** SHA-256 of each item's binary `data`, read back from n8n's binary data store on the worker. */
const hashImage = (): Node => ({
	parameters: { action: 'hash', binaryData: true, binaryPropertyName: 'data', type: 'SHA256', dataPropertyName: 'sha256', encoding: 'hex' },
	id: randomUUID(),
	name: 'Hash Image',
	type: 'n8n-nodes-base.crypto',
	typeVersion: 2,
	position: [800, 0],
});

/** Which worker ran the execution (its own environment) and the execution's ID. */
const whereItRan = (): Node => ({
	parameters: {
		mode: 'manual',
		includeOtherFields: true,
		assignments: {
			assignments: [
				{ id: randomUUID(), name: 'worker', type: 'string', value: '={{ $env.TENSORSLAB_QUEUE_WORKER }}' },
				{ id: randomUUID(), name: 'executionId', type: 'string', value: '={{ $execution.id }}' },
			],
		},
		options: {},
	},
	id: randomUUID(),
	name: 'Where It Ran',
	type: 'n8n-nodes-base.set',
	typeVersion: 3.4,
	position: [1000, 0],
});

function chain(name: string, nodes: Node[], settings: Record<string, unknown> = {}): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	nodes.forEach((node, i) => {
		node.position = [i * 220, 0];
		if (i + 1 < nodes.length) connections[node.name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	});
	return { name, nodes, connections, settings: { executionOrder: 'v1', ...settings }, pinData: {} };
}

/**
 * POST /webhook/<path> {prompts: [...]} → one item per prompt → Image → Generate and Wait
 * (`batchSize` images each) → Crypto (SHA-256 of every image's binary) → Set (worker, execution
 * ID); the webhook answers with every item's JSON.
 */
export function generateAndWaitWorkflow(
	credential: CredentialRef,
	path: string,
	opts: { batchSize?: number; settings?: Record<string, unknown>; name?: string } = {},
): Record<string, unknown> {
	return chain(
		opts.name ?? `queue: ${path}`,
		[
			webhook(path),
			splitOut('prompts', 'prompt'),
			tensorsLab('Generate Images', credential, {
				resource: 'image',
				operation: 'generateAndWait',
				model: 'seedreamv45',
				prompt: '={{ $json.prompt }}',
				batchSize: opts.batchSize ?? 2,
				resolution: '1:1',
				options: {},
			}),
			hashImage(),
			whereItRan(),
		],
		opts.settings,
	);
}

/**
 * The sub-workflow that waits: Execute Workflow Trigger → Task → Wait and Download. Run by
 * {@link submitThenSubWorkflow}; its own execution record holds its input (the task IDs) from
 * the moment it starts.
 */
export function waitAndDownloadSubWorkflow(credential: CredentialRef): Record<string, unknown> {
	return chain('queue: wait and download (sub-workflow)', [
		{
			parameters: { inputSource: 'passthrough' },
			id: randomUUID(),
			name: 'From Parent',
			type: 'n8n-nodes-base.executeWorkflowTrigger',
			typeVersion: 1.1,
			position: [0, 0],
		},
		tensorsLab('Wait and Download', credential, { resource: 'task', operation: 'waitAndDownload', taskId: '={{ $json.taskId }}', options: {} }),
	]);
}

/**
 * POST /webhook/<path> {prompts} → Image → Generate (submit only) → Execute Workflow (the
 * wait-and-download sub-workflow, waiting for it) → Crypto → Set.
 */
export function submitThenSubWorkflow(credential: CredentialRef, path: string, subWorkflowId: string): Record<string, unknown> {
	return chain(`queue: ${path}`, [
		webhook(path),
		splitOut('prompts', 'prompt'),
		tensorsLab('Submit Tasks', credential, {
			resource: 'image',
			operation: 'generate',
			model: 'seedreamv45',
			prompt: '={{ $json.prompt }}',
			batchSize: 1,
			resolution: '1:1',
			options: {},
		}),
		{
			parameters: { source: 'database', workflowId: { __rl: true, mode: 'id', value: subWorkflowId }, mode: 'once', options: { waitForSubWorkflow: true } },
			id: randomUUID(),
			name: 'Wait in Sub-workflow',
			type: 'n8n-nodes-base.executeWorkflow',
			typeVersion: 1.2,
			position: [0, 0],
		},
		hashImage(),
		whereItRan(),
	]);
}

/** POST /webhook/<path> {taskIds: [...]} → Task → Wait and Download → Crypto → Set: fetching paid results by ID. */
export function recoverWorkflow(credential: CredentialRef, path: string): Record<string, unknown> {
	return chain(`queue: ${path}`, [
		webhook(path),
		splitOut('taskIds', 'taskId'),
		tensorsLab('Wait and Download', credential, { resource: 'task', operation: 'waitAndDownload', taskId: '={{ $json.taskId }}', options: {} }),
		hashImage(),
		whereItRan(),
	]);
}
