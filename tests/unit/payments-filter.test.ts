import { describe, expect, it } from 'vitest';
import { paymentsFilterSlips, paymentsQuery } from '../../src/lib/client/admin/payments-filter';

// A link to Payments names its filters; one the page cannot show is said, not sent (the server would refuse it).
describe("Payments' filters from a link", () => {
	const id = '0b9d6c1e-3f0a-4c55-9a51-2f1e8f3c7d20';

	it('takes an account id and a known Show value, and asks for them', () => {
		expect(paymentsFilterSlips({ outcome: 'failed', account: id })).toEqual({ outcome: null, account: null });
		expect(paymentsQuery({ outcome: 'failed', account: id })).toEqual({ outcome: 'failed', account: id });
		expect(paymentsQuery({ outcome: '', account: '' })).toEqual({ outcome: null, account: null });
	});

	it('says an account filter that is no account id, and a Show value it has no choice for', () => {
		expect(paymentsFilterSlips({ outcome: '', account: 'maya@example.com' }).account).toBe("“maya@example.com” is not an account's id: open an account's payments from its page in the console.");
		expect(paymentsFilterSlips({ outcome: 'refunds', account: '' }).outcome).toBe('Show has no “refunds”: choose what to show from the list.');
	});
});
