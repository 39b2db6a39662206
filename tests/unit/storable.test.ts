import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { assertStorable, MAX_NESTING, unstorablePath } from '../../src/lib/server/storable';

/** `levels` arrays, one inside the other, holding `inner`: `[[[inner]]]` is 3. */
const nested = (levels: number, inner: unknown = 1): unknown => {
	let v = inner;
	for (let i = 0; i < levels; i++) v = [v];
	return v;
};

const refusal = (value: unknown) => {
	try {
		assertStorable(value);
	} catch (e) {
		if (!(e instanceof ZodError)) throw e;
		return { path: e.issues[0]!.path, message: e.issues[0]!.message };
	}
	return null;
};

describe('input the database cannot store', () => {
	it('refuses nesting deeper than the limit in words naming the field, however deep, without overflowing the stack', () => {
		// 100,000 brackets: a recursive walk overflowed at about 10,000 (a 500 from a 20 KB body).
		expect(refusal({ feature: 'ai_bots', metadata: nested(100_000) })).toEqual({
			path: ['metadata'],
			message: `cannot nest arrays and objects more than ${MAX_NESTING} levels deep.`
		});
		expect(refusal(nested(100_000))).toEqual({ path: [], message: `The input nests arrays and objects more than ${MAX_NESTING} levels deep.` });
	});

	it('takes nesting up to the limit: the input itself is its first level', () => {
		expect(refusal(nested(MAX_NESTING))).toBeNull();
		expect(refusal(nested(MAX_NESTING + 1))).not.toBeNull();
		expect(refusal({ metadata: nested(MAX_NESTING - 1) })).toBeNull();
		expect(refusal({ metadata: nested(MAX_NESTING) })?.path).toEqual(['metadata']);
	});

	it('names the first unstorable text in document order, in a value or a key', () => {
		expect(unstorablePath({ a: ['ok', 'b\u0000'], c: '\ud800' })).toEqual({ path: ['a', 1], problem: 'text' });
		expect(unstorablePath({ a: { 'k\u0000': 1 }, b: 'x\u0000' })).toEqual({ path: ['a'], problem: 'key' });
		expect(unstorablePath({ a: 'x\u0000', 'k\u0000': 1 })).toEqual({ path: ['a'], problem: 'text' });
		expect(unstorablePath({ a: [1, { b: true, c: null }], d: 'fine' })).toBeNull();
		expect(refusal({ user: 'x\u0000' })).toEqual({ path: ['user'], message: 'cannot hold a NUL character or an unpaired surrogate: neither can be stored.' });
	});
});
