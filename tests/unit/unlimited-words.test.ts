import { describe, expect, it } from 'vitest';
import { unlimitedEndWords, unlimitedQuestion, unlimitedScope } from '../../src/lib/client/admin/unlimited';
import { dateTime, shortDate } from '../../src/lib/client/format';

describe('unlimited use in the console', () => {
	const now = new Date('2026-12-02T15:00:00');
	const name = (key: string) => ({ 'gpt-5-nano': 'GPT-5 Nano' })[key] ?? key;

	it('says which model it covers and until when', () => {
		expect(unlimitedScope({ model: null, expiresAt: null }, name)).toBe('Every model · no end date');
		const end = '2026-12-31T22:59:59.000Z';
		expect(unlimitedScope({ model: 'gpt-5-nano', expiresAt: end }, name)).toBe(`GPT-5 Nano only · until ${dateTime(end)}`);
	});

	it('asks before granting, naming who, the model, the end and the cost', () => {
		expect(unlimitedQuestion('Leo', null, '', now)).toBe('Give Leo unlimited use of every model with no end date? Their use is recorded but takes no tokens: the site pays for all of it.');
		const end = new Date('2026-12-31T23:59:59').toISOString();
		expect(unlimitedQuestion('Leo', 'GPT-5 Nano', '2026-12-31', now)).toBe(`Give Leo unlimited use of GPT-5 Nano until the end of ${shortDate(end)}? Their use is recorded but takes no tokens: the site pays for all of it.`);
	});

	it('says under the form when it ends, and nothing for a day the form refuses', () => {
		expect(unlimitedEndWords('', now)).toBe('With no end date it lasts until it is ended here.');
		expect(unlimitedEndWords('2026-12-31', now)).toBe(`Unlimited use ends at the end of ${shortDate(new Date('2026-12-31T23:59:59'))}.`);
		expect(unlimitedEndWords('2020-01-01', now)).toBe('');
	});
});
