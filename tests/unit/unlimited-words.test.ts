import { describe, expect, it } from 'vitest';
import { unlimitedScope } from '../../src/lib/client/admin/unlimited';
import { unlimitedEndWords, unlimitedGrantedWords, unlimitedQuestion } from '../../src/lib/client/admin/unlimited-grant';
import { moment } from '../../src/lib/client/format';

describe('unlimited use in the console', () => {
	const now = new Date('2026-12-02T15:00:00Z');
	const name = (key: string) => ({ 'gpt-5-nano': 'GPT-5 Nano' })[key] ?? key;

	it('says which model it covers and until when', () => {
		expect(unlimitedScope({ model: null, expiresAt: null }, name)).toBe('Every model · no end date');
		const end = '2026-12-31T22:59:59.999Z';
		expect(unlimitedScope({ model: 'gpt-5-nano', expiresAt: end }, name)).toBe(`GPT-5 Nano only · until ${moment(end)}`);
	});

	it('says what was granted as the question asked it, the end in the site’s zone named', () => {
		expect(unlimitedGrantedWords(null, '', 'UTC', now)).toBe('Unlimited use of every model granted with no end date.');
		expect(unlimitedGrantedWords('GPT-5 Nano', '2026-12-31', 'Europe/Berlin', now)).toBe('Unlimited use of GPT-5 Nano granted until the end of Dec 31, 2026, Berlin time (UTC+1).');
	});

	it('asks before granting, naming who, the model, the end in the site’s zone and the cost', () => {
		expect(unlimitedQuestion('Leo', null, '', 'Europe/Berlin', now)).toBe('Give Leo unlimited use of every model with no end date? Their use is recorded but takes no tokens: the site pays for all of it.');
		expect(unlimitedQuestion('Leo', 'GPT-5 Nano', '2026-12-31', 'Europe/Berlin', now)).toBe(
			'Give Leo unlimited use of GPT-5 Nano until the end of Dec 31, 2026, Berlin time (UTC+1)? Their use is recorded but takes no tokens: the site pays for all of it.'
		);
	});

	it('says under the form when it ends, in the site’s days, and nothing for a day the form refuses', () => {
		expect(unlimitedEndWords('', 'Europe/Berlin', now)).toBe('With no end date it lasts until it is ended here.');
		expect(unlimitedEndWords('2026-12-12', 'Europe/Berlin', now)).toBe('Unlimited use ends at the end of Dec 12, 2026, Berlin time (UTC+1).');
		expect(unlimitedEndWords('2020-01-01', 'Europe/Berlin', now)).toBe('');
	});
});
