import { DurationEstimate } from '../../nodes/TensorsLab/helpers/durationEstimate';
import { SHORT_RETRY_MS } from '../../nodes/TensorsLab/helpers/pollSchedule';

describe('DurationEstimate', () => {
	it('knows nothing before a task completed', () => {
		const estimate = new DurationEstimate();
		estimate.recordNotYet(750);
		expect(estimate.upperMs).toBeUndefined();
		expect(estimate.lowerMs).toBeUndefined();
		expect(estimate.aimMs(750, 0.5, false)).toBeUndefined();
	});

	it('brackets the duration between the last "not yet" and the completion', () => {
		const estimate = new DurationEstimate();
		estimate.recordNotYet(750);
		estimate.recordNotYet(1_500);
		estimate.recordCompleted(2_250);
		expect(estimate.lowerMs).toBe(1_500);
		expect(estimate.upperMs).toBe(2_250);
		// A task asked at most up to the bottom is probed inside, at its fraction of the width.
		expect(estimate.aimMs(1_500, 0.5, false)).toBe(1_500 + (2_250 - SHORT_RETRY_MS - 1_500) * 0.5);
		expect(estimate.aimMs(0, 0, false)).toBe(1_501);
		// Once probed, or asked inside already: at the top.
		expect(estimate.aimMs(1_500, 0.5, true)).toBe(2_250);
		expect(estimate.aimMs(1_800, 0.5, false)).toBe(2_250);
	});

	it('narrows as answers come in, and aims at the top once nothing is left to probe', () => {
		const estimate = new DurationEstimate();
		estimate.recordNotYet(1_500);
		estimate.recordCompleted(2_250);
		estimate.recordNotYet(1_990);
		estimate.recordCompleted(2_010);
		// The top is the median of the latest completions: 2 of them, the lower one.
		expect(estimate.upperMs).toBe(2_010);
		expect(estimate.lowerMs).toBe(1_990);
		// Under SHORT_RETRY_MS wide: no probe.
		expect(estimate.aimMs(1_500, 0.5, false)).toBe(2_010);
	});

	it('is not pulled early by one fast task, and forgets old completions', () => {
		const estimate = new DurationEstimate();
		for (let i = 0; i < 9; i++) estimate.recordCompleted(2_000 + i);
		estimate.recordCompleted(300);
		expect(estimate.upperMs).toBe(2_003);
		for (let i = 0; i < 10; i++) estimate.recordCompleted(1_900 + i);
		expect(estimate.upperMs).toBe(1_904);
		expect(estimate.completions).toBe(20);
	});

	it('measures how alike the completions are', () => {
		const alike = new DurationEstimate();
		[2_000, 2_003, 2_001, 2_004, 2_002].forEach((age) => alike.recordCompleted(age));
		expect(alike.spreadMs).toBeLessThanOrEqual(3);
		const varied = new DurationEstimate();
		[1_800, 2_200, 1_900, 2_100, 2_000].forEach((age) => varied.recordCompleted(age));
		expect(varied.spreadMs).toBe(200);
	});
});
