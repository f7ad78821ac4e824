import { generateAndWait, run, useFaultEmulator } from './support';
const { emu } = useFaultEmulator();
it('probe', async () => {
	emu().inject('generate', { kind: 'reset' });
	const r = await run(emu(), generateAndWait({}, { requestTimeout: 1 }));
	const e = r.error as any;
	console.log(e?.constructor?.name, e?.message, e?.description, e?.httpCode, e?.stack, JSON.stringify(e?.messages), emu().log.length);
}, 60000);
