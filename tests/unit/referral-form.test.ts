import { describe, expect, it } from 'vitest';
import { expiryWords, readReferralDraft, type ReferralDraft } from '../../src/lib/client/admin/referral-form';

const draft: ReferralDraft = { enabled: true, referrerTokens: '500', referredTokens: '1,000', requirePurchase: false, expiresDays: '', dailyLimit: '10' };

describe('the referral rules form reads what the admin typed with the server’s limits', () => {
	it('sends whole numbers, separators read, an empty expiry as never', () => {
		expect(readReferralDraft(draft)).toEqual({
			input: { enabled: true, referrerTokens: 500, referredTokens: 1000, requirePurchase: false, expiresDays: null, dailyLimit: 10 }
		});
		expect(readReferralDraft({ ...draft, expiresDays: '3,650', dailyLimit: '1000' })).toMatchObject({ input: { expiresDays: 3650, dailyLimit: 1000 } });
	});

	it('names every slip beside its field at once', () => {
		expect(readReferralDraft({ ...draft, referrerTokens: '1.5', referredTokens: '', expiresDays: '0', dailyLimit: '1001' })).toEqual({
			problems: {
				referrerTokens: 'The amount is a whole number of tokens from 0 to 1,000,000,000,000.',
				referredTokens: 'The amount is a whole number of tokens from 0 to 1,000,000,000,000.',
				expiresDays: 'A whole number of days from 1 to 3,650, or empty for never.',
				dailyLimit: 'A whole number of new users from 1 to 1,000.'
			}
		});
		expect(readReferralDraft({ ...draft, referredTokens: '10000000000000' })).toEqual({ problems: { referredTokens: 'The amount is at most 1,000,000,000,000 tokens.' } });
	});

	it('asks for tokens on one side at least while referrals are on, and not once they are off', () => {
		const none = { ...draft, referrerTokens: '0', referredTokens: '0' };
		expect(readReferralDraft(none)).toEqual({ problems: { referrerTokens: 'Give at least one side some tokens, or turn referrals off.' } });
		expect(readReferralDraft({ ...none, enabled: false })).toMatchObject({ input: { enabled: false, referrerTokens: 0, referredTokens: 0 } });
	});
});

describe('the referral rules summary', () => {
	it('states the expiry a save would keep, never a slip', () => {
		expect(expiryWords('')).toBe('never expiring');
		expect(expiryWords('1,000')).toBe('lasting 1,000 days');
		expect(expiryWords('0')).toBe('expiry to fix');
		expect(expiryWords('soon')).toBe('expiry to fix');
	});
});
