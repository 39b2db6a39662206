import { describe, expect, it } from 'vitest';
import { capHint, parseRollover, rolloverFields, rolloverPreview, rolloverWords, withCapKind } from '../../src/lib/client/admin/rollover';

// The Limits page's rollover form: what an admin types becomes the setting the ledger stores, and
// the sentence under it says what that setting does.
const n = (v: number) => v.toLocaleString('en-US');

describe('the rollover form', () => {
	it('reads a cap in tokens or as a share, and an expiry in periods (blank = never)', () => {
		expect(parseRollover({ on: true, capKind: 'tokens', cap: '1,200', expiresAfter: '2' })).toEqual({ ok: true, value: { capTokens: 1200, capPercent: null, expiresAfterPeriods: 2 } });
		expect(parseRollover({ on: true, capKind: 'percent', cap: '50', expiresAfter: ' ' })).toEqual({ ok: true, value: { capTokens: null, capPercent: 50, expiresAfterPeriods: null } });
		expect(parseRollover({ on: false, capKind: 'percent', cap: 'junk', expiresAfter: 'junk' })).toEqual({ ok: true, value: null });
	});

	it('says which fields are wrong, each of them at once', () => {
		expect(parseRollover({ on: true, capKind: 'tokens', cap: 'abc', expiresAfter: '-1' })).toEqual({
			ok: false,
			problems: [
				{ field: 'cap', error: 'A whole number of tokens, at least 1.' },
				{ field: 'expiresAfter', error: '1 to 120 periods, or empty for never.' }
			]
		});
		expect(parseRollover({ on: true, capKind: 'percent', cap: '101', expiresAfter: '' })).toMatchObject({ ok: false, problems: [{ field: 'cap' }] });
		expect(parseRollover({ on: true, capKind: 'tokens', cap: '0', expiresAfter: '' })).toMatchObject({ ok: false, problems: [{ field: 'cap' }] });
		expect(parseRollover({ on: true, capKind: 'tokens', cap: '-5', expiresAfter: '' })).toMatchObject({ ok: false, problems: [{ field: 'cap' }] });
		expect(parseRollover({ on: true, capKind: 'tokens', cap: '10', expiresAfter: '0' })).toMatchObject({ ok: false, problems: [{ field: 'expiresAfter' }] });
		expect(parseRollover({ on: true, capKind: 'tokens', cap: '10', expiresAfter: '121' })).toMatchObject({ ok: false, problems: [{ field: 'expiresAfter' }] });
	});

	it('empties the cap when its unit switches, says it needs a value, and the summary states no outcome until it has one', () => {
		const percent = { on: true, capKind: 'percent' as const, cap: '100', expiresAfter: '' };
		const tokens = withCapKind(percent, 'tokens');
		expect(tokens).toEqual({ ...percent, capKind: 'tokens', cap: '' });
		expect(capHint(tokens)).toBe('Needs a value: a number of tokens, at least 1.');
		expect(rolloverPreview(tokens, 'daily', n)).toBe('Once the fields above hold values the form takes, this says what happens to unused free tokens.');
		expect(capHint(withCapKind({ ...tokens, cap: '500' }, 'percent'))).toBe('Needs a value: a whole percent of the limit, 1 to 100.');
		// The same unit again keeps what was typed.
		expect(withCapKind(percent, 'percent')).toBe(percent);
		expect(capHint(percent)).toBe('1 to 100.');
		expect(capHint({ ...tokens, cap: '500' })).toBe('At least 1.');
	});

	it('shows a stored setting back as it was saved', () => {
		const s = { capTokens: 800, capPercent: null, expiresAfterPeriods: 3 };
		expect(parseRollover(rolloverFields(s))).toEqual({ ok: true, value: s });
		expect(rolloverFields(null).on).toBe(false);
	});

	it('says in one sentence what happens to unused tokens', () => {
		expect(rolloverWords({ capTokens: 1200, capPercent: null, expiresAfterPeriods: 1 }, 'weekly', n)).toBe(
			'Unused free tokens roll over into the next week, up to 1,200 tokens held at a time; each week\'s rollover expires when the next week ends.'
		);
		expect(rolloverWords({ capTokens: null, capPercent: 50, expiresAfterPeriods: 3 }, 'daily', n)).toBe(
			'Unused free tokens roll over into the next day, up to 50% of the limit held at a time; each day\'s rollover expires 3 days after its day ends.'
		);
		expect(rolloverWords({ capTokens: null, capPercent: 100, expiresAfterPeriods: null }, 'monthly', n)).toContain('they never expire');
		expect(rolloverWords(null, 'daily', n)).toBe('Unused free tokens are lost when the period resets.');
		expect(rolloverWords(null, 'never', n)).toContain('never reset');
	});

	it('states no outcome while a field holds a value the form cannot save', () => {
		const bad = rolloverPreview({ on: true, capKind: 'percent', cap: '500', expiresAfter: '' }, 'daily', n);
		expect(bad).not.toMatch(/lost|roll over into|expire/);
		expect(rolloverPreview({ on: true, capKind: 'tokens', cap: '10', expiresAfter: '0' }, 'daily', n)).toBe(bad);
		expect(rolloverPreview({ on: true, capKind: 'percent', cap: '50', expiresAfter: '2' }, 'daily', n)).toBe(rolloverWords({ capTokens: null, capPercent: 50, expiresAfterPeriods: 2 }, 'daily', n));
		expect(rolloverPreview({ on: false, capKind: 'percent', cap: 'junk', expiresAfter: '' }, 'daily', n)).toBe('Unused free tokens are lost when the period resets.');
	});
});
