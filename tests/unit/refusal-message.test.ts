import { describe, expect, it } from 'vitest';
import { cappedText, limitLeftText, limitReachedText, localeFormatter, plainFormatter, refusalHeading, refusalMessage, type RefusalDetails } from '../../src/lib/refusal-message';

// Issue 13.4: a refusal says what it refuses: the cost, what is left of the limit and when it resets.
// REST messages: plain digits with thousands separators; pages: the reader's locale.

const memberCap: RefusalDetails = {
	operation: 'consume', limit_of: 'member', cost: 7500, limit: 5000, used: 265, left: 4735, period: 'daily',
	resets_at: '2026-12-01T00:00:00.000Z', time_zone: 'UTC'
};

describe('refusal messages', () => {
	it('a request that would exceed a cap: its cost, what is left and the reset, in REST wording', () => {
		expect(refusalMessage(memberCap, null, plainFormatter)).toBe(
			'This costs 7,500 tokens, more than the 4,735 left of your daily cap of 5,000 in this team; it resets Dec 1, 2026, 00:00 UTC.'
		);
	});

	it('the reset is written in the site’s time zone', () => {
		expect(refusalMessage({ ...memberCap, limit_of: 'team', resets_at: '2026-11-30T23:00:00.000Z', time_zone: 'Europe/Berlin' }, null, plainFormatter)).toBe(
			"This costs 7,500 tokens, more than the 4,735 left of the team's daily cap of 5,000; it resets Dec 1, 2026, 00:00 Berlin time (UTC+1)."
		);
	});

	it('pages write the reset as every other time in the app: 24-hour, whatever the locale’s habit, the zone named as every page names it', () => {
		expect(refusalMessage(memberCap, null, localeFormatter('en-US'))).toMatch(/it resets Dec 1, 2026, 00:00 UTC\.$/);
		expect(refusalMessage({ ...memberCap, resets_at: '2026-11-30T23:00:00.000Z', time_zone: 'Europe/Berlin' }, null, localeFormatter('en-US'))).toMatch(
			/it resets Dec 1, 2026, 00:00 Berlin time \(UTC\+1\)\.$/
		);
	});

	it('pages write the reset in the reader’s time zone, named, when they have one (the site’s day ends at 09:00 in Tokyo)', () => {
		expect(refusalMessage(memberCap, null, localeFormatter('en-US', 'Asia/Tokyo'))).toMatch(/it resets Dec 1, 2026, 09:00 Tokyo time \(UTC\+9\)\.$/);
	});

	it('pages write the numbers the reader’s way', () => {
		expect(refusalMessage(memberCap, null, localeFormatter('de-DE'))).toMatch(/^This costs 7\.500 tokens, more than the 4\.735 left of your daily cap of 5\.000 in this team; it resets /);
	});

	it('a used-up limit says so; a used-up free allowance keeps the module’s own words and adds the reset', () => {
		expect(refusalMessage({ ...memberCap, limit_of: 'user', used: 5000, left: 0, cost: 10 }, null, plainFormatter)).toBe(
			'Your daily cap of 5,000 tokens is used up; it resets Dec 1, 2026, 00:00 UTC.'
		);
		const allowance: RefusalDetails = { ...memberCap, limit_of: 'allowance', module: 'chat', module_name: 'Chatbot', module_message: 'You have used your free chat tokens for today.', limit: 2000 };
		expect(refusalMessage({ ...allowance, used: 2000, left: 0 }, 'ignored', plainFormatter)).toBe('You have used your free chat tokens for today. It resets Dec 1, 2026, 00:00 UTC.');
		// A fresh guest asking for more than the whole allowance is not told it is used up.
		expect(refusalMessage({ ...allowance, used: 0, left: 2000 }, null, plainFormatter)).toBe(
			'This costs 7,500 tokens, more than the 2,000 left of your daily free Chatbot allowance of 2,000; it resets Dec 1, 2026, 00:00 UTC.'
		);
	});

	it('a cap of 0 tokens is said as it is, not "used up" until a reset that frees nothing', () => {
		const zero = { ...memberCap, limit: 0, used: 0, left: 0, cost: 10 };
		expect(refusalMessage({ ...zero, limit_of: 'user' }, null, plainFormatter)).toBe('Your daily cap is 0 tokens: nothing can be spent from this account while it is set.');
		expect(refusalMessage(zero, null, plainFormatter)).toBe('Your daily cap in this team is 0 tokens: nothing can be spent from this pool while it is set.');
		expect(refusalHeading('cap_reached', zero)).toBe('Cap reached');
		const line = { limit_of: 'team' as const, limit: 0, period: 'weekly' as const, resets_at: '2026-12-07T00:00:00.000Z', time_zone: 'UTC' };
		expect(limitReachedText(line, plainFormatter)).toBe("The team's weekly cap is 0 tokens: nothing can be spent from this pool while it is set.");
		expect(cappedText(line, plainFormatter)).toBe('Capped: nothing can be spent from this pool while its cap is 0 tokens, whatever the balance.');
	});

	it('not enough tokens states the cost and what this feature and model may spend (not the account’s Available); a refusal without figures keeps the ledger’s words', () => {
		expect(refusalMessage({ operation: 'consume', cost: 1234, available: 100, model: 'gpt-5-nano' }, null, plainFormatter)).toBe('This costs 1,234 tokens, more than the 100 spendable on this feature and model.');
		// A request that named no model draws on the feature's allowance and general tokens only: no model to speak of.
		expect(refusalMessage({ operation: 'check', cost: 13_000, available: 12_655, model: null }, null, plainFormatter)).toBe('This costs 13,000 tokens, more than the 12,655 spendable on this feature.');
		expect(refusalMessage(null, 'Image generator is disabled.', plainFormatter)).toBe('Image generator is disabled.');
	});

	it('a refused hold says what it needs (it reserves tokens for work not done yet), of a balance or a limit', () => {
		expect(refusalMessage({ operation: 'hold', cost: 1234, available: 100 }, null, plainFormatter)).toBe('This hold needs 1,234 tokens, more than the 100 spendable on this feature and model.');
		expect(refusalMessage({ ...memberCap, operation: 'hold' }, null, plainFormatter)).toBe(
			'This hold needs 7,500 tokens, more than the 4,735 left of your daily cap of 5,000 in this team; it resets Dec 1, 2026, 00:00 UTC.'
		);
	});
});

describe('what a limit in force leaves (dashboard, playground)', () => {
	it('names whose limit it is, as the refusal does, and what is left of it this period', () => {
		expect(limitLeftText({ limit_of: 'user', limit: 14_600, left: 100, period: 'daily' }, plainFormatter)).toBe('Your daily cap: 100 of 14,600 tokens left today');
		expect(limitLeftText({ limit_of: 'member', limit: 5_000, left: 4_705, period: 'daily' }, plainFormatter)).toBe(
			'Your daily cap in this team: 4,705 of 5,000 tokens left today'
		);
		expect(limitLeftText({ limit_of: 'team', limit: 90_000, left: 0, period: 'monthly' }, plainFormatter)).toBe(
			"The team's monthly cap: 0 of 90,000 tokens left this month"
		);
	});

	it('a free allowance too small for the request is "not enough", not "used up", while some of it is left: the heading agrees with the message', () => {
		const allowance: RefusalDetails = { ...memberCap, limit_of: 'allowance', module: 'chat', module_name: 'Chatbot', cost: 250_000_000, limit: 10_000, used: 1_453, left: 8_547 };
		expect(refusalHeading('allowance_exhausted', allowance)).toBe('Not enough free allowance');
		expect(refusalMessage(allowance, null, plainFormatter)).toMatch(/^This costs 250,000,000 tokens, more than the 8,547 left of your daily free Chatbot allowance of 10,000;/);
		const none = { ...allowance, used: 10_000, left: 0 };
		expect(refusalHeading('allowance_exhausted', none)).toBe('Free allowance used up');
		expect(refusalMessage(none, null, plainFormatter)).toMatch(/^Your daily free Chatbot allowance of 10,000 tokens is used up;/);
		expect(refusalHeading('insufficient_tokens', { operation: 'check', cost: 10, available: 5 })).toBe('Not enough tokens');
		// A cap alike: reached only once nothing of it is left.
		expect(refusalHeading('cap_reached', { ...memberCap, left: 0 })).toBe('Cap reached');
		expect(refusalHeading('cap_reached', { ...memberCap, left: 7_000 })).toBe('Not enough left under the cap');
		expect(refusalHeading('feature_disabled', null)).toBe('Not available');
	});

	it("not enough tokens gives the module's limit message only with nothing left to pay with (the ledger sends it then), else the figures", () => {
		const words = 'Your bot is paused until more tokens are added.';
		const empty: RefusalDetails = { operation: 'consume', cost: 10, available: 0, module: 'bots', module_name: 'Bot training', module_message: words };
		expect(refusalMessage(empty, null, plainFormatter)).toBe(words);
		expect(refusalHeading('insufficient_tokens', empty)).toBe('Not enough tokens');
		expect(refusalMessage({ operation: 'consume', cost: 10, available: 4 }, null, plainFormatter)).toBe('This costs 10 tokens, more than the 4 spendable on this feature and model.');
	});
});

describe('a moment a cap or window resets at, one wording', () => {
	// REST messages (plainFormatter, in English whatever the server's locale) say it as the app's pages
	// do (lib/client/format.ts `moment`, in an English reader's locale): never "2026-12-07 00:00 (UTC)".
	it("is the app's form in REST messages, in every zone", async () => {
		const { moment } = await import('../../src/lib/client/format');
		for (const zone of ['UTC', 'Europe/Berlin', 'Asia/Tokyo', 'Asia/Kathmandu', 'America/New_York']) {
			for (const iso of ['2026-12-07T00:00:00.000Z', '2027-07-01T23:30:00.000Z']) {
				// The tests' locale is en-US (format.test.ts reads "Jan 3, 2026" alike).
				expect(plainFormatter.time(iso, zone), `${iso} in ${zone}`).toBe(moment(iso, zone));
				expect(plainFormatter.time(iso, zone)).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} (UTC|\S.* time \(UTC[+−]\d{1,2}(:\d{2})?\))$/);
			}
		}
		expect(plainFormatter.time('2026-12-07T00:00:00.000Z', 'UTC')).toBe('Dec 7, 2026, 00:00 UTC');
	});
});
