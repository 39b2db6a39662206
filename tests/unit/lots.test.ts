import { describe, expect, it } from 'vitest';
import { lotEnd, lotExpiry } from '../../src/lib/client/lots';

describe("an ended lot's line", () => {
	it('says "none left" for a lot whose tokens are all spent or taken back, even before its expiry date', () => {
		expect(lotEnd({ unlimited: false, ended: false, expired: false })).toBe('none left');
	});
	it('says "expired" for a lot whose expiry took tokens from it: the sweep leaves it at 0 remaining, as a spent one', () => {
		expect(lotEnd({ unlimited: false, ended: false, expired: true })).toBe('expired');
	});
	it('says an unlimited lot "ended", and when, as the statement\'s "Unlimited ended" (it holds no count)', () => {
		expect(lotEnd({ unlimited: true, ended: true, expired: false })).toBe('ended');
		const when = (iso: string) => `on ${iso}`;
		expect(lotExpiry({ unlimited: true, ended: true, active: false, expiresAt: '2026-12-05T10:00:00Z' }, when)).toBe('Ended on 2026-12-05T10:00:00Z');
		// In force, or a lot of tokens: its expiry as it is; none: "Never".
		expect(lotExpiry({ unlimited: true, ended: false, active: true, expiresAt: '2026-12-24T00:00:00Z' }, when)).toBe('on 2026-12-24T00:00:00Z');
		expect(lotExpiry({ unlimited: false, ended: false, active: false, expiresAt: '2026-12-05T10:00:00Z' }, when)).toBe('on 2026-12-05T10:00:00Z');
		expect(lotExpiry({ unlimited: true, ended: false, active: true, expiresAt: null }, when)).toBe('Never');
	});
	it('says a lot of tokens an admin ended early "ended", and when, as the statement\'s "Ended"', () => {
		expect(lotEnd({ unlimited: false, ended: true, expired: true })).toBe('ended');
		expect(lotExpiry({ unlimited: false, ended: true, active: false, expiresAt: '2026-12-05T10:00:00Z' }, (iso) => `on ${iso}`)).toBe('Ended on 2026-12-05T10:00:00Z');
	});
});
