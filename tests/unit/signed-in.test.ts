import { describe, expect, it } from 'vitest';
import { hasSignedInMark } from '../../src/lib/signed-in';

describe('the signed-in mark in document.cookie', () => {
	it('is found first, last or alone', () => {
		expect(hasSignedInMark('quota_signed_in=1')).toBe(true);
		expect(hasSignedInMark('quota_signed_in=1; theme=dark')).toBe(true);
		expect(hasSignedInMark('theme=dark; quota_signed_in=1')).toBe(true);
	});

	it('is not another cookie whose name ends or holds the same words', () => {
		expect(hasSignedInMark('')).toBe(false);
		expect(hasSignedInMark('not_quota_signed_in=1')).toBe(false);
		expect(hasSignedInMark('theme=quota_signed_in=1')).toBe(false);
	});
});
