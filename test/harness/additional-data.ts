import type { ExecutionLifecycleHooks } from 'n8n-core';
import { ExternalSecretsProxy } from 'n8n-core';
import type { ICredentialsHelper, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

export const WORKFLOW_ID = 'harnessWorkflow1';

/** The URLs a local n8n on its default port would report. */
export const INSTANCE_BASE_URL = 'http://localhost:5678';

/**
 * What n8n's CLI builds in WorkflowExecuteAdditionalData.getBase(), reduced to what runs without a
 * database: no sub-workflows, no task runners (Code node), no external secrets, no variables.
 */
export function buildAdditionalData(
	credentialsHelper: ICredentialsHelper,
	executionId?: string,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	const base = INSTANCE_BASE_URL;
	return {
		credentialsHelper,
		hooks,
		executionId,
		workflowId: WORKFLOW_ID,
		userId: 'harness-user',
		projectId: 'harness-project',
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		logAiEvent: () => {},
		sendDataToUI: () => {},
		setExecutionStatus: () => {},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: async () => {
			throw new UnexpectedError('The test harness does not run sub-workflows');
		},
		startRunnerTask: async () => {
			throw new UnexpectedError('The test harness has no task runners (Code node)');
		},
	};
}
