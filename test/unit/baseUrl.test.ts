/**
 * Issue 12 (11): the credential's Test and the node normalise the Base URL the same way. The Test
 * can only use an expression, so this evaluates that expression's JavaScript on the same inputs
 * as the node's normalizeBaseUrl and compares.
 */
import { TensorsLabApi } from '../../credentials/TensorsLabApi.credentials';
import { normalizeBaseUrl } from '../../nodes/TensorsLab/helpers/baseUrl';

function credentialTestBaseUrl(baseUrl: string): string {
	const expression = String(new TensorsLabApi().test.request.baseURL);
	const body = /^=\{\{(.*)\}\}$/s.exec(expression)?.[1];
	if (!body) throw new Error(`unexpected baseURL expression ${expression}`);
	return new Function('$credentials', `return (${body});`)({ baseUrl }) as string;
}

describe('Base URL normalisation', () => {
	it.each([
		'https://api.tensorslab.com',
		'https://api.tensorslab.com/',
		'http://127.0.0.1:8787/ ',
		'  http://127.0.0.1:8787//  ',
		'https://proxy.example.com/tensorslab/',
	])('the credential Test and the node agree on %p', (input) => {
		expect(credentialTestBaseUrl(input)).toBe(normalizeBaseUrl(input));
	});

	it.each(['https://api.tensorslab.com?x=1', 'https://api.tensorslab.com/#frag', 'https://api.tensorslab.com/v1?x=1#frag'])(
		'the node refuses a Base URL with a query or fragment: %p',
		(input) => {
			expect(() => normalizeBaseUrl(input)).toThrow(/query or fragment/);
		},
	);

	it('the credential Test follows no redirect', () => {
		expect(new TensorsLabApi().test.request.disableFollowRedirect).toBe(true);
	});
});
