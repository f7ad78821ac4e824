import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

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

	// The key is sent as a Bearer token, as the API reference and every official client do.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// The API has no "who am I" or balance endpoint, and every generate request spends credits.
	// Deleting an empty list of tasks is authenticated, free, and changes nothing: a valid key
	// answers code 1000, a wrong one is refused (HTTP 401, or code 9999 in the envelope, which the
	// rule below turns into a failed test). A key that is merely out of credits (9000) is still a
	// valid key, so it passes. The trailing slash of the Base URL is trimmed as the node does.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/images/deleteimagestask',
			method: 'POST',
			body: { taskids: [] },
			json: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 9999,
					message: 'TensorsLab refused the API key. Check the key and the Base URL.',
				},
			},
		],
	};
}
