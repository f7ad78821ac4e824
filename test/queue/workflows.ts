/**
 * The workflows `npm run test:queue` runs (besides examples/07-long-wait-loop.json): a webhook that
 * generates images and reads them back, in the shape a production workflow has in queue mode.
 */
import { randomUUID } from 'node:crypto';

export const GENERATE_PATH = 'tl-queue-generate';

interface CredentialRef {
	id: string;
	name: string;
}

/**
 * POST /webhook/tl-queue-generate {prompt} → TensorsLab Image → Generate and Wait (2 images) →
 * Crypto (SHA-256 of each image's binary, read back from n8n's binary data store) → Set (which
 * worker ran it, from the worker's own environment, and the execution ID) → the webhook answers
 * with every item's JSON.
 */
export function generateWebhookWorkflow(
	credential: CredentialRef,
	opts: { id?: string; name?: string; path?: string; batchSize?: number; timeoutSeconds?: number; settings?: Record<string, unknown> } = {},
): Record<string, unknown> {
	const webhookId = randomUUID();
	return {
		id: opts.id ?? 'tlQueueGenerate01',
		name: opts.name ?? 'queue: generate, hash, report worker',
		active: false,
		nodes: [
			{
				parameters: { httpMethod: 'POST', path: opts.path ?? GENERATE_PATH, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
			},
			{
				parameters: {
					resource: 'image',
					operation: 'generateAndWait',
					model: 'seedreamv45',
					prompt: '={{ $json.body.prompt }}',
					batchSize: opts.batchSize ?? 2,
					resolution: '1:1',
					options: opts.timeoutSeconds ? { timeout: opts.timeoutSeconds } : {},
				},
				id: randomUUID(),
				name: 'Generate Images',
				type: 'n8n-nodes-tensorslab.tensorsLab',
				typeVersion: 1,
				position: [220, 0],
				credentials: { tensorsLabApi: credential },
			},
			{
				parameters: { action: 'hash', binaryData: true, binaryPropertyName: 'data', type: 'SHA256', dataPropertyName: 'sha256', encoding: 'hex' },
				id: randomUUID(),
				name: 'Hash Image',
				type: 'n8n-nodes-base.crypto',
				typeVersion: 2,
				position: [440, 0],
			},
			{
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
				position: [660, 0],
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Generate Images', type: 'main', index: 0 }]] },
			'Generate Images': { main: [[{ node: 'Hash Image', type: 'main', index: 0 }]] },
			'Hash Image': { main: [[{ node: 'Where It Ran', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', ...(opts.settings ?? {}) },
		pinData: {},
	};
}
