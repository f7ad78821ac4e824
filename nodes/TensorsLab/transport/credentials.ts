/** Reads the TensorsLab credential: the Base URL (normalised and checked) and the key. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { normalizeBaseUrl } from '../helpers/baseUrl';

export const CREDENTIAL_NAME = 'tensorsLabApi';

interface ApiTarget {
	baseUrl: string;
	apiKey: string;
}

/**
 * Throws a ParameterError (parameter "baseUrl") for a Base URL that cannot be used. The key comes
 * back trimmed, as the credential sends it (its header expression trims too): a key pasted with a
 * space still works, and redaction looks for the key itself, which every padded form contains.
 */
export async function readCredential(ctx: IExecuteFunctions, itemIndex: number): Promise<ApiTarget> {
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME, itemIndex);
	return { baseUrl: normalizeBaseUrl(credentials.baseUrl), apiKey: String(credentials.apiKey ?? '').trim() };
}
