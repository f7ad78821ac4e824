/**
 * The emulator's `omitField` fault, which the live check's tests use to stand for a TensorsLab that
 * dropped a field: one status answer (image or video) leaves the field out, the next has it again,
 * and it can be queued beside `unknownStatus` without either taking the other's place.
 */
import { startEmulator, validateFault, type Emulator } from '../../emulator';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ queuedMs: 0, processingMs: 0, uploadingMs: 0 });
});
afterAll(async () => await emu.close());

async function call(path: string, body: FormData | object): Promise<{ code: number; data: Record<string, unknown> }> {
	const isForm = body instanceof FormData;
	const headers: Record<string, string> = { authorization: `Bearer ${emu.apiKey}`, ...(isForm ? {} : { 'content-type': 'application/json' }) };
	const response = await fetch(`${emu.url}${path}`, { method: 'POST', headers, body: isForm ? body : JSON.stringify(body) });
	return (await response.json()) as { code: number; data: Record<string, unknown> };
}

async function submit(path: string): Promise<string> {
	const form = new FormData();
	form.append('prompt', 'p');
	return (await call(path, form)).data.taskid as string;
}

describe('emulator fault omitField', () => {
	it('leaves the field out of one image status answer, beside an unknownStatus fault', async () => {
		const taskid = await submit('/v1/images/zimage');
		emu.inject('infobytaskid', { kind: 'omitField', field: 'starttime' });
		emu.inject('infobytaskid', { kind: 'unknownStatus', value: 6 });
		const first = await call('/v1/images/infobytaskid', { taskid });
		expect(first.data.starttime).toBeUndefined();
		expect(first.data.image_status).toBe(6);
		const second = await call('/v1/images/infobytaskid', { taskid });
		expect(typeof second.data.starttime).toBe('string');
		expect(second.data.image_status).toBe(3);
	});

	it('works on the video status answer too, and is refused where it cannot apply', async () => {
		const taskid = await submit('/v1/video/seedancev1profast');
		emu.inject('videoinfobytaskid', { kind: 'omitField', field: 'message' });
		expect('message' in (await call('/v1/video/infobytaskid', { taskid })).data).toBe(false);
		expect('message' in (await call('/v1/video/infobytaskid', { taskid })).data).toBe(true);
		expect(() => validateFault('zimage', { kind: 'omitField', field: 'url' })).toThrow(/can never apply/);
		expect(() => validateFault('infobytaskid', { kind: 'omitField' })).toThrow(/fault.field must be a string/);
	});
});
