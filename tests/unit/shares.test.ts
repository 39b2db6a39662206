import { describe, expect, it } from 'vitest';
import { REST_KEY, shareText, topWithRest } from '../../src/lib/shares';
import { percentText, saveLabel } from '../../src/lib/percent';

// One share of one figure: a key that is in two lists (a split and a top list) reads the same
// percentage in both, because both lists add up to the same whole.
const row = (key: string, tokens: number, operations = 1) => ({ key, label: key.toUpperCase(), tokens, operations });

describe('topWithRest', () => {
	it('keeps the top rows and adds one row for what they leave of the whole', () => {
		const rows = [row('a', 500, 5), row('b', 300, 3), row('c', 130, 2), row('d', 70, 1)];
		const top = topWithRest(rows, 2, (n) => `Other features (${n})`);
		expect(top).toEqual([rows[0], rows[1], { key: REST_KEY, label: 'Other features (2)', tokens: 200, operations: 3, rest: true }]);
		expect(top.reduce((n, r) => n + r.tokens, 0)).toBe(1000);
	});

	it('takes the rest from a whole larger than the rows (use by no listed key)', () => {
		const top = topWithRest([row('a', 600, 6)], 5, (n) => `left ${n}`, { tokens: 970, operations: 9 });
		expect(top.at(-1)).toEqual({ key: REST_KEY, label: 'left null', tokens: 370, operations: 3, rest: true });
	});

	it('shows a rest of one key as that key', () => {
		const rows = [row('a', 5), row('b', 3), row('c', 1)];
		expect(topWithRest(rows, 2, () => 'rest')).toEqual(rows);
	});

	it('adds no rest row when the top rows are the whole', () => {
		const rows = [row('a', 5), row('b', 3)];
		expect(topWithRest(rows, 5, () => 'rest')).toEqual(rows);
	});
});

describe('shareText', () => {
	it('gives a key the same share in a split and in a top list of the same whole', () => {
		const whole = 10_000;
		const split = [row('chat', 5_450), row('product', 4_550)];
		const tops = topWithRest([row('chat', 5_450), row('x', 4_180)], 5, () => 'rest', { tokens: whole, operations: 2 });
		const shareIn = (rows: { key: string; tokens: number }[]) => shareText(rows.find((r) => r.key === 'chat')!.tokens, rows.reduce((n, r) => n + r.tokens, 0));
		expect(shareIn(split)).toBe('55%');
		expect(shareIn(tops)).toBe('55%');
	});

	it('is 0% of an empty whole, and for a part of nothing', () => {
		expect(shareText(0, 0)).toBe('0%');
		expect(shareText(0, 500)).toBe('0%');
	});

	it('never reads 0% for some use, nor 100% for less than the whole', () => {
		// The demo's Overview: Search images, 370 of the site's 115,546 tokens, read "0%" beside its bar.
		expect(shareText(370, 115_546)).toBe('< 1%');
		expect(shareText(115_176, 115_546)).toBe('> 99%');
		expect(shareText(115_546, 115_546)).toBe('100%');
		expect(shareText(1_155, 115_546)).toBe('1%');
	});
});

describe('percentText', () => {
	// The store's badge said "Save 17%" while the reports said "54 %": English writes no space.
	it('writes a percentage as English does, the store badge and a share alike', () => {
		expect(percentText(54)).toBe('54%');
		expect(saveLabel(17)).toBe('Save 17%');
		expect(shareText(5_400, 10_000)).toBe(percentText(54));
		expect(shareText(1, 10_000)).toBe('< 1%');
	});
});
