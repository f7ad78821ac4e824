/**
 * Issue 22 against the emulator: every URL the node forwards (image-to-image, Edit, video) reaches
 * TensorsLab byte for byte as typed, signed query strings included; video sends two URLs (first and
 * last frame) as one comma-joined field and refuses a third, or URLs beside binaries, before any request.
 */
import { PNG_BYTES, generateRequests, run, useEmulator } from './helpers';

const { emu } = useEmulator();

/** Signed cloud-storage links: one changed byte and the signature no longer matches. */
const SIGNED = 'https://bucket.example/a%20b.png?X-Amz-Signature=ab%2Fcd&X-Amz-Expires=3600&x=1+2';
const SIGNED_LAST = "https://Storage.Example/o/last%2Fframe.jpg?GoogleAccessId=svc%40p&Expires=99&Signature=q%2B%2F%3D&name='x'";

const noDownload = { downloadImages: false };

describe('URLs go out exactly as typed', () => {
	it('image-to-image: a signed URL with %20, %2F, &, + and ? (surrounding spaces trimmed)', async () => {
		const result = await run(emu(), { resource: 'image', operation: 'generateAndWait', model: 'seedreamv45', prompt: 'p', imageUrl: `  ${SIGNED} `, options: noDownload });
		expect(result.error).toBeUndefined();
		expect(generateRequests(emu())[0].fields.imageUrl).toEqual([SIGNED]);
	});

	it('Edit: a URL the URL parser would rewrite (host case, a quote) goes out unchanged', async () => {
		const result = await run(emu(), { resource: 'image', operation: 'edit', prompt: 'remove the background', imageUrl: SIGNED_LAST, options: noDownload });
		expect(result.error).toBeUndefined();
		expect(generateRequests(emu())).toEqual([{ path: '/v1/images/quickedit', fields: { prompt: ['remove the background'], imageUrl: [SIGNED_LAST] }, files: [] }]);
	});

	it('video: one URL, then first and last frame as one comma-joined field, spaces around the comma trimmed', async () => {
		const video = (imageUrl: string) => ({ resource: 'video', operation: 'generate', model: 'seedancev2', prompt: 'p', imageUrl });
		expect((await run(emu(), video(SIGNED))).error).toBeUndefined();
		const two = await run(emu(), video(` ${SIGNED} ,  ${SIGNED_LAST}  `));
		expect(two.error).toBeUndefined();
		expect(two.items[0].json.status).toBe('queued');
		expect(generateRequests(emu()).map((r) => r.fields.imageUrl)).toEqual([[SIGNED], [`${SIGNED},${SIGNED_LAST}`]]);
		expect(emu().videoTasks.size).toBe(2);
	});
});

describe('video URLs refused before any request', () => {
	it.each([
		['three URLs', { imageUrl: 'https://a.example/1.png, https://a.example/2.png, https://a.example/3.png' }, /at most 2 URLs \(first and last frame\), got 3 \[item \d+, parameter "imageUrl"\]$/],
		['a last frame that is not http(s)', { imageUrl: 'https://a.example/1.png, file:///etc/passwd' }, /^Last frame URL must start with http:\/\/ or https:\/\/, got "file:" \[item \d+, parameter "imageUrl"\]$/],
		['URLs beside a binary', { imageUrl: 'https://a.example/1.png, https://a.example/2.png', binaryPropertyNames: 'data' }, /not both \[item \d+, parameter "imageUrl"\]$/],
	])('%s', async (_name, extra, message) => {
		const inputItems = [{ json: {}, binary: { data: { data: PNG_BYTES, mimeType: 'image/png', fileName: 'a.png' } } }];
		const result = await run(emu(), { resource: 'video', operation: 'generate', model: 'seedancev2', prompt: 'p', ...extra }, { inputItems });
		expect(result.error?.message).toMatch(message);
		expect(emu().log).toHaveLength(0);
	});
});

describe('the emulator takes video URLs as the sources describe', () => {
	async function post(imageUrl: string): Promise<{ code: number; msg: string }> {
		const form = new FormData();
		form.append('prompt', 'p');
		form.append('imageUrl', imageUrl);
		const response = await fetch(`${emu().url}/v1/video/seedancev15pro`, { method: 'POST', headers: { authorization: `Bearer ${emu().apiKey}` }, body: form });
		return (await response.json()) as { code: number; msg: string };
	}

	it('accepts one or two URLs joined by a bare comma, and refuses a third, a space or an empty piece', async () => {
		expect((await post('https://a.example/1.png')).code).toBe(1000);
		expect((await post('https://a.example/1.png,https://a.example/2.png?x=1+2')).code).toBe(1000);
		expect(await post('https://a.example/1.png,https://a.example/2.png,https://a.example/3.png')).toMatchObject({ code: 9999, msg: expect.stringMatching(/at most 2 URLs/) });
		for (const bad of ['https://a.example/1.png, https://a.example/2.png', 'https://a.example/1.png,', 'ftp://a.example/1.png']) {
			expect(await post(bad)).toMatchObject({ code: 9999, msg: expect.stringMatching(/imageUrl/) });
		}
	});
});
