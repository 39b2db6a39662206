import { describe, expect, it } from 'vitest';
import { paymentsFilterSlips, paymentsQuery } from '../../src/lib/client/admin/payments-filter';

// A link to Payments names its filters; one the page cannot show is said, not sent (the server would refuse it).
describe("Payments' filters from a link", () => {
	const id = '0b9d6c1e-3f0a-4c55-9a51-2f1e8f3c7d20';

	it('takes an account id and a known Show value, and asks for them', () => {
		expect(paymentsFilterSlips({ outcome: 'flagged', account: id, search: '' })).toEqual({ outcome: null, account: null, search: null });
		expect(paymentsQuery({ outcome: 'flagged', account: id, search: '' })).toEqual({ outcome: 'flagged', account: id, search: null });
		expect(paymentsQuery({ outcome: '', account: '', search: '' })).toEqual({ outcome: null, account: null, search: null });
	});

	it('says an account filter that is no account id, and a Show value it has no choice for', () => {
		expect(paymentsFilterSlips({ outcome: '', account: 'maya@example.com', search: '' }).account).toBe("“maya@example.com” is not an account's id: open an account's payments from its page in the console.");
		expect(paymentsFilterSlips({ outcome: 'refunds', account: '', search: '' }).outcome).toBe('Show has no “refunds”: choose what to show from the list.');
	});

	it('searches accounts by the text typed (trimmed), up to what the box takes; longer, it is said and not sent', () => {
		expect(paymentsQuery({ outcome: '', account: '', search: '  maya@ ' })).toEqual({ outcome: null, account: null, search: 'maya@' });
		expect(paymentsFilterSlips({ outcome: '', account: '', search: 'x'.repeat(200) }).search).toBeNull();
		expect(paymentsFilterSlips({ outcome: '', account: '', search: 'x'.repeat(201) }).search).toBe('Search accounts must be text of at most 200 characters; this is 201 characters. Shorten it to search.');
	});
});
