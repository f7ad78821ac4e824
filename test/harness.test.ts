import { runNode } from './harness';
import { HarnessProbe } from './harness/fixtures/probe-node';

test('sniff', async () => {
	const r = await runNode({ nodeType: new HarnessProbe(), parameters: { operation: 'sniff' }, credentials: null });
	console.log(r.error?.message, r.error?.stack, JSON.stringify(r.items));
}, 30000);
