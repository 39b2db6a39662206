import { describe, expect, it } from 'vitest';
import { initialOf } from '../../src/lib/initial';
import { characters } from '../../src/lib/text-length';

// The avatar's letter and a name's length count what a person sees, not UTF-16 units or code points.
describe('characters as a person sees them', () => {
	it('a joined emoji, a flag and a letter with its accent are one character each', () => {
		expect(characters('👩‍💻🇫🇷e\u0301a')).toEqual(['👩‍💻', '🇫🇷', 'e\u0301', 'a']);
	});

	it("the avatar shows a name's first character whole, upper-cased, after any spaces", () => {
		expect(initialOf('👩‍💻 Dev')).toBe('👩‍💻');
		expect(initialOf('🇫🇷 Team')).toBe('🇫🇷');
		expect(initialOf('  e\u0301mile')).toBe('E\u0301');
		expect(initialOf('ada')).toBe('A');
		expect(initialOf('   ')).toBe('');
	});
});
