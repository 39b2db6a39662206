import { describe, expect, it } from 'vitest';
import { numberIn } from '../../src/lib/client/number-field';

// A type=number field with letters in it reads "" to the page: taken for empty, it removed a limit.
const field = (value: string, badInput = false) => ({ value, valueAsNumber: value === '' ? NaN : Number(value), validity: { badInput } }) as unknown as HTMLInputElement;

describe('a number field as read', () => {
	it('is its number, null when emptied on purpose, and NaN (a slip) when it holds letters', () => {
		expect(numberIn(field('1200'))).toBe(1200);
		expect(numberIn(field('0'))).toBe(0);
		expect(numberIn(field(''))).toBeNull();
		expect(numberIn(field('', true))).toBeNaN();
	});
});
