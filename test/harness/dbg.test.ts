import { runNode } from './index';
import { HarnessProbe } from './fixtures/probe-node';
test('dbg', async () => {
	const r = await runNode({ nodeType: new HarnessProbe(), parameters: { operation: 'wait', waitMs: 60000 }, credentials: null, cancelAfterMs: 100 });
	console.log(r.status, r.error, r.executionError, r.run.data.resultData.error);
	const s = await runNode({ nodeType: new HarnessProbe(), parameters: { operation: 'slowRequest' }, credentials: {apiKey: 'k', baseUrl: 'http://127.0.0.1:9'}, cancelAfterMs: 100 });
	console.log(s.status, s.error?.constructor.name, s.error?.message);
});
