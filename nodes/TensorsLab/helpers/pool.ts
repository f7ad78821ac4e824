/**
 * Runs `worker` over indices 0..count-1 with at most `limit` running at once. Stops starting new
 * work once `signal` aborts; work already started finishes (or fails) on its own.
 */
export async function runPool(
	count: number,
	limit: number,
	worker: (index: number) => Promise<void>,
	signal?: AbortSignal,
): Promise<void> {
	let next = 0;
	const lanes = Array.from({ length: Math.max(1, Math.min(limit, count)) }, async () => {
		while (next < count && !signal?.aborted) {
			const index = next++;
			await worker(index);
		}
	});
	await Promise.all(lanes);
}
