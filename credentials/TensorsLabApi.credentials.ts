import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

// n8n's type wants the rules all of one kind, but its credential tester goes through every rule
// by its own type (responseCode on a failed request, responseSuccessBody on a successful one),
// so both kinds are given: a redirect gets a message of ours, and so does code 9999.
const TEST_RULES: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [
	...[300, 301, 302, 303, 307, 308].map(
		(code): IAuthenticateRuleResponseCode => ({
			type: 'responseCode',
			properties: {
				value: code,
				message: `The Base URL answered with a redirect (HTTP ${code}), which is not followed so that the API key never reaches another host. Set the Base URL to the final address.`,
			},
		}),
	),
	{
		type: 'responseSuccessBody',
		properties: { key: 'code', value: 9999, message: 'TensorsLab refused the API key. Check the key and the Base URL.' },
	},
];

export class TensorsLabApi implements ICredentialType {
	name = 'tensorsLabApi';

	displayName = 'TensorsLab API';

	icon: Icon = {
		light: 'file:../icons/tensorslab.svg',
		dark: 'file:../icons/tensorslab.dark.svg',
	};

	documentationUrl = 'https://tensorai.tensorslab.com/apikey';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your TensorsLab API key, created at https://tensorai.tensorslab.com/apikey',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.tensorslab.com',
			required: true,
			description:
				'Change only for a proxy, the TensorsLab test environment, or the local emulator that ships with this package for development (see the README)',
		},
	];

	// The key is sent as a Bearer token, as the API reference and every official client do,
	// trimmed (as the Base URL is): a key pasted with a leading or trailing space works, and the
	// node's redaction, which looks for the trimmed key, finds it in any echo of the header.
	// This also serves the Test below, which n8n authenticates with the same rule.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey.trim()}}',
			},
		},
	};

	// The API has no "who am I" or balance endpoint, and every generate request spends credits.
	// Deleting an empty list of tasks is authenticated, free, and changes nothing: a valid key
	// answers code 1000, a wrong one is refused (HTTP 401, or code 9999 in the envelope, which the
	// rule below turns into a failed test). A key that is merely out of credits (9000) is still a
	// valid key, so it passes.
	// The Base URL is normalised as the node does it (helpers/baseUrl.ts: trimmed, trailing slashes
	// removed; a unit test keeps the two in step). Redirects are not followed: n8n would carry the
	// Authorization header to the next host, so a redirect is a failed test instead.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '/v1/images/deleteimagestask',
			method: 'POST',
			body: { taskids: [] },
			json: true,
			disableFollowRedirect: true,
		},
		rules: TEST_RULES as ICredentialTestRequest['rules'],
	};
}
