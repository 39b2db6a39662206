import { describe, expect, it } from 'vitest';
import { inQuietHours, quietHoursEnd } from '../../src/lib/server/alerts/push/quiet';

const night = { from: '22:00', to: '07:00', timeZone: 'Europe/Berlin' };

describe('quiet hours on the wall clock of their zone', () => {
	it('span midnight: quiet from their start, not at their end', () => {
		expect(inQuietHours(night, new Date('2026-12-01T20:59:00Z'))).toBe(false); // 21:59 CET
		expect(inQuietHours(night, new Date('2026-12-01T21:00:00Z'))).toBe(true); // 22:00
		expect(inQuietHours(night, new Date('2026-12-02T05:59:00Z'))).toBe(true); // 06:59
		expect(inQuietHours(night, new Date('2026-12-02T06:00:00Z'))).toBe(false); // 07:00
	});

	it('end at the next 07:00 of their zone, in winter and in summer time', () => {
		expect(quietHoursEnd(night, new Date('2026-12-01T22:30:17Z')).toISOString()).toBe('2026-12-02T06:00:00.000Z');
		expect(quietHoursEnd(night, new Date('2026-12-02T05:59:59Z')).toISOString()).toBe('2026-12-02T06:00:00.000Z');
		expect(quietHoursEnd(night, new Date('2026-07-01T23:00:00Z')).toISOString()).toBe('2026-07-02T05:00:00.000Z'); // CEST, UTC+2
	});

	it('within a day: 13:00–14:30 in New York', () => {
		const lunch = { from: '13:00', to: '14:30', timeZone: 'America/New_York' };
		expect(inQuietHours(lunch, new Date('2026-12-01T18:10:00Z'))).toBe(true); // 13:10 EST
		expect(quietHoursEnd(lunch, new Date('2026-12-01T18:10:00Z')).toISOString()).toBe('2026-12-01T19:30:00.000Z');
	});
});
