import { describe, expect, it } from 'vitest';
import { inboxBadge, inboxDetail, inboxTitle } from '../../src/lib/client/inbox-words';
import type { InboxEntry } from '../../src/lib/client/api-types';

const entry = (over: Partial<InboxEntry>): InboxEntry => ({
	id: 1,
	kind: 'balance_low',
	accountId: 'a',
	teamName: null,
	balance: 17_960,
	sharePercent: 60,
	tokensStep: null,
	base: 30_000,
	cause: 'drop',
	mailed: false,
	topup: null,
	sentAt: '2026-11-30T12:00:00.000Z',
	readAt: null,
	anomaly: null,
	said: null,
	...over
});
const topup = (cause: 'drop' | 'set' | 'retry', teamName: string | null = null) =>
	entry({
		kind: 'topup_notice',
		cause,
		teamName,
		sharePercent: null,
		topup: { productId: 'tokens-5k', productName: 'Token pack', tokens: 5_000, amountCents: 500, currency: 'USD', belowTokens: 20_000, cause, teamName, topupId: null, boughtAt: null }
	});

describe('a balance alert in the inbox says what is true of the tokens', () => {
	it('dropped below a step when the tokens fell past it', () => {
		expect(inboxTitle(entry({}))).toBe('Your available tokens dropped below 60%');
		expect(inboxDetail(entry({}))).toBe('17,960 of 30,000 available');
		expect(inboxBadge(entry({}))).toEqual({ tone: 'low', text: 'Below 60%' });
		expect(inboxTitle(entry({ teamName: 'Acme Studio', sharePercent: null, tokensStep: 500 }))).toBe("Acme Studio's available tokens dropped below 500 tokens");
	});

	it('were already below a step set above them: they did not drop', () => {
		const set = entry({ cause: 'set' });
		expect(inboxTitle(set)).toBe('Your available tokens were already below 60%');
		expect(inboxDetail(set)).toBe('17,960 of 30,000 available when the alert steps were saved');
		expect(inboxTitle(entry({ cause: 'set', teamName: 'Acme Studio' }))).toBe("Acme Studio's available tokens were already below 60%");
		expect(inboxTitle(entry({ cause: 'set', kind: 'balance_empty', sharePercent: null }))).toBe('Your tokens ran out');
	});
});

describe('an auto top-up notice says why the tokens were below the trigger', () => {
	it('dropped below it, were below it when it was set, or are still below it after a failed charge', () => {
		expect(inboxTitle(topup('drop'))).toBe('Your available tokens dropped below 20,000 tokens');
		expect(inboxDetail(topup('drop'))).toBe('Auto top-up needs a subscription to charge. Buy Token pack (5,000 tokens, $5.00) with one tap.');
		expect(inboxTitle(topup('set'))).toBe('Your available tokens were already below 20,000 tokens');
		expect(inboxDetail(topup('set'))).toBe('The trigger was set above the tokens available. Auto top-up needs a subscription to charge. Buy Token pack (5,000 tokens, $5.00) with one tap.');
		expect(inboxTitle(topup('set', 'Acme Studio'))).toBe("Acme Studio's available tokens were already below 20,000 tokens");
		expect(inboxTitle(topup('retry'))).toBe('Your available tokens are still below 20,000 tokens');
		expect(inboxTitle(topup('retry', 'Acme Studio'))).toBe("Acme Studio's available tokens are still below 20,000 tokens");
		expect(inboxDetail(topup('retry'))).toMatch(/^The last top-up could not be charged\. Auto top-up needs a subscription/);
		expect(inboxBadge(topup('set'))).toEqual({ tone: 'brand', text: 'Top up' });
	});

	it('a declined charge is said as such, whatever the cause', () => {
		const declined = { ...topup('set'), kind: 'topup_declined' as const };
		expect(inboxTitle(declined)).toBe('Auto top-up was declined');
		expect(inboxDetail(declined)).toMatch(/^The payment for Token pack \(5,000 tokens, \$5\.00\) was declined, so auto top-up is off\./);
	});

	it("says a membership that ended in the server's words, badged as the team's", () => {
		const words = { title: 'Maya Patel removed you from Acme Studio', body: 'Your pages now show your own tokens; what you used from its pool stays in its records.' };
		const e = entry({ kind: 'team_removed', teamName: 'Acme Studio', balance: null, sharePercent: null, base: null, said: words });
		expect([inboxTitle(e), inboxDetail(e), inboxBadge(e)]).toEqual([words.title, words.body, { tone: 'brand', text: 'Team' }]);
	});

	it("says tokens a site admin added, or a balance they corrected, in the server's words with the note, badged as what happened", () => {
		const added = { title: '5,000 tokens added by the site', body: 'Note from the site: Welcome to the beta' };
		const grant = entry({ kind: 'site_grant', balance: null, sharePercent: null, base: null, said: added });
		expect([inboxTitle(grant), inboxDetail(grant), inboxBadge(grant)]).toEqual([added.title, added.body, { tone: 'ok', text: 'Tokens added' }]);
		const corrected = { title: 'Your balance was corrected by \u2212200', body: 'Note from the site: Duplicate grant' };
		const fix = entry({ kind: 'balance_corrected', balance: null, sharePercent: null, base: null, said: corrected });
		expect([inboxTitle(fix), inboxDetail(fix), inboxBadge(fix)]).toEqual([corrected.title, corrected.body, { tone: 'brand', text: 'Balance corrected' }]);
	});

	it('says unlimited use a site admin granted or ended in the server\'s words with the note, badged as such', () => {
		const granted = { title: 'Unlimited use of every model with no end date, by the site', body: 'Note from the site: Staff' };
		const grant = entry({ kind: 'unlimited_granted', balance: null, sharePercent: null, base: null, said: granted });
		expect([inboxTitle(grant), inboxDetail(grant), inboxBadge(grant)]).toEqual([granted.title, granted.body, { tone: 'ok', text: 'Unlimited use' }]);
		const ended = { title: 'Your unlimited use of every model ended', body: 'Note from the site: Staff' };
		const end = entry({ kind: 'unlimited_ended', balance: null, sharePercent: null, base: null, said: ended });
		expect([inboxTitle(end), inboxDetail(end), inboxBadge(end)]).toEqual([ended.title, ended.body, { tone: 'brand', text: 'Unlimited ended' }]);
	});

	it("says a free allowance used up for its window, or changed by the site, in the server's words, badged as such", () => {
		const usedUp = { title: 'Your free Chatbot allowance is used up until Dec 6, 2026, 00:00 UTC', body: 'Further use is paid from your balance.' };
		const up = entry({ kind: 'allowance_used_up', balance: null, sharePercent: null, base: null, said: usedUp });
		expect([inboxTitle(up), inboxDetail(up), inboxBadge(up)]).toEqual([usedUp.title, usedUp.body, { tone: 'empty', text: 'Allowance used up' }]);
		const changed = { title: 'Your free Chatbot allowance has ended', body: 'It was 10,000 tokens a day. From now on, Chatbot use is paid from your balance.' };
		const change = entry({ kind: 'allowance_changed', balance: null, sharePercent: null, base: null, said: changed });
		expect([inboxTitle(change), inboxDetail(change), inboxBadge(change)]).toEqual([changed.title, changed.body, { tone: 'brand', text: 'Allowance changed' }]);
	});
});
