import { describe, expect, it } from 'vitest';
import { lotEnd, lotExpiry } from '../../src/lib/client/lots';

describe("an ended lot's line", () => {
	it('says "none left" for a lot whose tokens are all spent or taken back, even before its expiry date', () => {
		expect(lotEnd({ remaining: 0, unlimited: false, ended: false })).toBe('none left');
	});
	it('says "expired" for a lot that ended with tokens in it', () => {
		expect(lotEnd({ remaining: 1_225, unlimited: false, ended: false })).toBe('expired');
	});
	it('says an unlimited lot "ended", and when, as the statement\'s "Unlimited ended" (it holds no count)', () => {
		expect(lotEnd({ remaining: 0, unlimited: true, ended: true })).toBe('ended');
		const when = (iso: string) => `on ${iso}`;
		expect(lotExpiry({ unlimited: true, ended: true, active: false, expiresAt: '2026-12-05T10:00:00Z' }, when)).toBe('Ended on 2026-12-05T10:00:00Z');
		// In force, or a lot of tokens: its expiry as it is; none: "Never".
		expect(lotExpiry({ unlimited: true, ended: false, active: true, expiresAt: '2026-12-24T00:00:00Z' }, when)).toBe('on 2026-12-24T00:00:00Z');
		expect(lotExpiry({ unlimited: false, ended: false, active: false, expiresAt: '2026-12-05T10:00:00Z' }, when)).toBe('on 2026-12-05T10:00:00Z');
		expect(lotExpiry({ unlimited: true, ended: false, active: true, expiresAt: null }, when)).toBe('Never');
	});
	it('says a lot of tokens an admin ended early "ended", and when, as the statement\'s "Ended"', () => {
		expect(lotEnd({ remaining: 0, unlimited: false, ended: true })).toBe('ended');
		expect(lotExpiry({ unlimited: false, ended: true, active: false, expiresAt: '2026-12-05T10:00:00Z' }, (iso) => `on ${iso}`)).toBe('Ended on 2026-12-05T10:00:00Z');
	});
});
