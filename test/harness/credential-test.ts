/**
 * The "Test" button of the credential dialog, done the way n8n's CredentialsTester does it for a
 * credential type with a declarative `test` (ICredentialTestRequest):
 *
 * 1. the credential data gets the type's defaults and its expressions resolved;
 * 2. a throwaway node type (n8n uses the No-Op node's description) gets one property `temp`
 *    whose `routing.request` is the test request, and a one-node workflow is built around it;
 * 3. n8n-core's RoutingNode runs that node with an ExecuteContext and the decrypted credential,
 *    so the request's expressions (`baseURL: '={{$credentials.baseUrl…}}'`) are resolved with
 *    `$credentials`, the credential's `authenticate` is applied and the request goes out through
 *    n8n's HTTP client (httpRequestWithAuthentication);
 * 4. a failed request → 'Error': a matching `responseCode` rule's message, else the HTTP status
 *    text (or "Received HTTP status code: N"), else the network error code, else the message;
 *    a successful one → each `responseSuccessBody` rule whose key equals its value → 'Error'
 *    with the rule's message; otherwise 'OK', "Connection successful!".
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialType,
	IExecuteData,
	INode,
	INodeExecutionData,
	INodeType,
	ITaskDataConnections,
} from 'n8n-workflow';
import { Workflow, createRunExecutionData } from 'n8n-workflow';

import { TensorsLabApi } from '../../credentials/TensorsLabApi.credentials';
import { buildAdditionalData } from './additional-data';
import { HarnessCredentialsHelper } from './credentials-helper';
import { getEnvironment } from './environment';
import { HarnessNodeTypes } from './node-types';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

const NOOP_TYPE = 'n8n-nodes-base.noOp';

function getPath(data: unknown, path: string): unknown {
	let current: unknown = data;
	// lodash-style paths as n8n uses `get(responseData, rule.properties.key)`: a.b[0].c
	for (const segment of path.split(/[.[\]]+/).filter(Boolean)) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}

interface ErrorWithCause {
	message?: string;
	cause?: {
		code?: string;
		response?: { status?: number; statusText?: string };
	};
}

/**
 * Tests credential data of type 'tensorsLabApi' (or `credentialType`, for other types) against
 * whatever its Base URL points to.
 */
export async function testCredential(
	data: { apiKey: string; baseUrl: string } | ICredentialDataDecryptedObject,
	credentialType: ICredentialType = new TensorsLabApi(),
): Promise<CredentialTestResult> {
	const testRequest = credentialType.test;
	if (!testRequest) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}

	getEnvironment();
	const credentialsHelper = new HarnessCredentialsHelper([credentialType]);
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: 'harness-credential-test',
		name: 'Credential under test',
		type: credentialType.name,
		data: { ...data },
	};
	credentialsHelper.store({
		id: credentialsDecrypted.id,
		name: credentialsDecrypted.name,
		type: credentialType.name,
		data: { ...data },
	});

	const additionalData = buildAdditionalData(credentialsHelper);
	try {
		credentialsDecrypted.data = await credentialsHelper.applyDefaultsAndOverwrites(
			additionalData,
			credentialsDecrypted.data ?? {},
			credentialType.name,
			'internal',
		);
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message) };
	}

	const testNodeType: INodeType = {
		description: {
			displayName: 'No Operation, do nothing',
			name: NOOP_TYPE,
			group: ['organization'],
			version: 1,
			description: 'No Operation',
			defaults: { name: 'No Operation, do nothing' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	const nodeTypes = new HarnessNodeTypes();
	nodeTypes.register(NOOP_TYPE, testNodeType);

	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: NOOP_TYPE,
		typeVersion: 1,
		position: [0, 0],
		credentials: {
			[credentialType.name]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name },
		},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });

	const inputData: ITaskDataConnections = { main: [[{ json: {} }]] };
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData(),
		0,
		[],
		inputData,
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, testNodeType, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await workflow.expression.withIsolate(async () => await routingNode.runNode());
	} catch (caught) {
		const error = caught as ErrorWithCause;
		const httpResponse = error.cause?.response;
		if (httpResponse) {
			const statusCode = httpResponse.status ?? 0;
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === statusCode) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return {
					status: 'Error',
					message: httpResponse.statusText || `Received HTTP status code: ${statusCode}`,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}

	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const body = response?.[0]?.[0]?.json;
			if (getPath(body, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}

	return { status: 'OK', message: 'Connection successful!' };
}
