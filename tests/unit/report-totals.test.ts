import { describe, expect, it } from 'vitest';
import { totalsByKey } from '../../src/lib/client/report-totals';
import type { RollupRow } from '../../src/lib/client/api-types';

describe("the reports page's totals per feature, model or member", () => {
	it('adds up each key over the windows of the range, biggest first', () => {
		const row = (bucket: string, key: string, tokens: number, operations: number) => ({ bucket, key, label: key.toUpperCase(), tokens, operations }) as RollupRow;
		const rows = [row('d1', 'chat', 100, 2), row('d1', 'image', 500, 1), row('d2', 'chat', 450, 9), row('d3', 'forms', 0, 0)];
		expect(totalsByKey(rows)).toEqual([
			{ key: 'chat', label: 'CHAT', tokens: 550, operations: 11 },
			{ key: 'image', label: 'IMAGE', tokens: 500, operations: 1 },
			{ key: 'forms', label: 'FORMS', tokens: 0, operations: 0 }
		]);
		expect(totalsByKey([])).toEqual([]);
	});
});
