import { describe, expect, it } from 'vitest';
import { initial } from '../../src/lib/initial';

describe("an avatar's initial", () => {
	it('is the first whole character of the name, capitalised: an emoji or a letter outside the basic plane is never cut in half', () => {
		expect(initial('  maya Patel')).toBe('M');
		expect(initial('😀 Leo')).toBe('😀');
		expect(initial('𝒜da')).toBe('𝒜');
		expect(initial('élodie')).toBe('É');
		expect(initial('   ')).toBe('');
	});
});
