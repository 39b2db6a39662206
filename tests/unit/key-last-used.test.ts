import { describe, expect, it } from 'vitest';
import { lastUsedWords } from '../../src/lib/key-scopes';

describe("a key's last use in the key lists", () => {
	it('says how fresh the figure is (written at most once a minute), or that the key was never used', () => {
		expect(lastUsedWords('2026-12-05T01:20:00.000Z', () => 'Dec 5, 2026, 01:20')).toBe('last used Dec 5, 2026, 01:20 (noted at most once a minute)');
		expect(lastUsedWords(null, () => 'unused')).toBe('never used');
	});
});
