import { describe, expect, it } from 'vitest';
import { expiryWords, readReferralDraft, referralSummary, type ReferralDraft } from '../../src/lib/client/admin/referral-form';

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

describe('the referral rules summary while referrals are on', () => {
	it('states the tokens a save would give each side', () => {
		expect(referralSummary(draft)).toBe('500 tokens to the inviter and 1,000 to the new user, when the new user signs up, never expiring; shown on both dashboards as “Referral bonus”.');
		expect(referralSummary({ ...draft, referrerTokens: '1', requirePurchase: true, expiresDays: '15' })).toBe(
			'1 token to the inviter and 1,000 to the new user, when the new user first buys, lasting 15 days; shown on both dashboards as “Referral bonus”.'
		);
	});

	it('never states a figure the form refuses: a side typed wrong, or both sides at 0, is to fix', () => {
		expect(referralSummary({ ...draft, referrerTokens: '-5', referredTokens: '0', expiresDays: '15' })).toBe(
			"The inviter's tokens to fix and 0 tokens to the new user, when the new user signs up, lasting 15 days; shown on both dashboards as “Referral bonus”."
		);
		expect(referralSummary({ ...draft, referredTokens: '' })).toMatch(/^500 tokens to the inviter and the new user's tokens to fix, /);
		expect(referralSummary({ ...draft, referrerTokens: 'ten', referredTokens: '1.5' })).toMatch(/^The inviter's and the new user's tokens to fix, /);
		// 0 and 0 with referrals on is refused beside the inviter's field: the summary does not promise "0 tokens to the inviter".
		expect(referralSummary({ ...draft, referrerTokens: '0', referredTokens: '0' })).toMatch(/^The inviter's tokens to fix and 0 tokens to the new user, /);
	});
});
