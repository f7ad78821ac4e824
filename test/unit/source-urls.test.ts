/**
 * Source image URLs go out exactly as typed (issue 22): checked with the URL parser, never
 * rewritten by it. Video takes one or two URLs (first frame, last frame) as one comma-joined field.
 */
import { ParameterError } from '../../nodes/TensorsLab/helpers/parameterError';
import { validateImageUrl } from '../../nodes/TensorsLab/helpers/imageUrl';
import { buildVideoRequest, validateVideoImageUrls } from '../../nodes/TensorsLab/helpers/videoValidation';

/** A signed cloud-storage link: %20, %2F, &, + and ? must all survive byte for byte. */
const SIGNED_URL = 'https://bucket.example/a%20b.png?X-Amz-Signature=ab%2Fcd&X-Amz-Expires=3600&x=1+2';

function refusal(run: () => unknown): ParameterError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(ParameterError);
		return error as ParameterError;
	}
	throw new Error('expected a ParameterError');
}

describe('validateImageUrl', () => {
	it.each([
		SIGNED_URL,
		// What the URL parser would rewrite: the host's case, a quote in the query, an empty path, a default port.
		"https://Bucket.Example/x.png?name='q'&sig=a%2Bb",
		'https://example.com',
		'https://example.com:443/a.png?',
		'http://example.com/ü.png#frag',
	])('returns %s unchanged', (url) => {
		expect(validateImageUrl(url)).toBe(url);
		expect(validateImageUrl(`  ${url}\t\n`)).toBe(url);
	});

	it.each([
		['ftp://example.com/a.png', /must start with http:\/\/ or https:\/\/, got "ftp:"/],
		['not a url', /is not a valid URL/],
		['http:/example.com/a.png', /must start with http:\/\/ or https:\/\/, got "http:\/example.com\/a.png"/],
		['https://example.com/a b.png', /contains a space/],
	])('refuses %s, naming imageUrl', (url, message) => {
		const error = refusal(() => validateImageUrl(url));
		expect(error.parameter).toBe('imageUrl');
		expect(error.message).toMatch(message);
	});
});

describe('validateVideoImageUrls', () => {
	it('joins one or two URLs by a bare comma, each exactly as typed', () => {
		expect(validateVideoImageUrls(` ${SIGNED_URL} `)).toBe(SIGNED_URL);
		expect(validateVideoImageUrls(`${SIGNED_URL} ,  https://example.com/last.png?a=1+1 `)).toBe(`${SIGNED_URL},https://example.com/last.png?a=1+1`);
		expect(validateVideoImageUrls('https://a.example/1.png,https://b.example/2.png,')).toBe('https://a.example/1.png,https://b.example/2.png');
	});

	it('refuses three URLs, a piece that is not a URL, and a list with no URL, naming imageUrl', () => {
		const three = refusal(() => validateVideoImageUrls('https://a.example/1.png, https://a.example/2.png, https://a.example/3.png'));
		expect([three.parameter, three.message]).toEqual(['imageUrl', 'Source Image URL takes at most 2 URLs (first and last frame), got 3']);
		const last = refusal(() => validateVideoImageUrls('https://a.example/1.png, ftp://a.example/2.png'));
		expect(last.message).toBe('Last frame URL must start with http:// or https://, got "ftp:"');
		expect(refusal(() => validateVideoImageUrls(' , ')).parameter).toBe('imageUrl');
	});

	it('buildVideoRequest sends the joined field, and refuses URLs beside binaries before anything else', () => {
		const request = buildVideoRequest({ model: 'seedancev2', prompt: 'p', imageUrl: `${SIGNED_URL}, https://example.com/last.png` });
		expect(request.fields).toEqual([['prompt', 'p'], ['imageUrl', `${SIGNED_URL},https://example.com/last.png`]]);
		const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
		const both = refusal(() => buildVideoRequest({ model: 'seedancev2', prompt: 'p', imageUrl: 'https://a.example/1.png', sourceImages: [{ property: 'data', bytes: png }] }));
		expect([both.parameter, both.message]).toEqual(['imageUrl', "Set either 'Source Image URL' or input binary fields, not both"]);
	});
});
