import { describe, expect, it } from 'vitest';
import { hostNameFits, MAX_WEBHOOK_URL, webhookUrlProblem } from '../../src/lib/webhook-url';

// The Webhooks form refuses a URL the server would (none, or too long) before it is sent, in words,
// rather than letting the browser cut a long paste into another address.
describe('a webhook URL as the form checks it', () => {
	it('asks for one when none is typed', () => {
		expect(webhookUrlProblem('  ')).toBe("Type the URL of the site's webhook handler, like https://example.com/quota-webhooks.");
	});
	it('refuses one longer than the server keeps, saying how long it is', () => {
		const pasted = `https://${'a'.repeat(3000)}.com`;
		expect(webhookUrlProblem(pasted)).toBe('This URL is 3,012 characters long: 2,000 characters at most. Use a shorter address for the handler.');
		expect(webhookUrlProblem(`https://example.com/${'p'.repeat(MAX_WEBHOOK_URL - 20)}`)).toBeNull();
		expect(webhookUrlProblem('https://example.com/quota-webhooks')).toBeNull();
	});
	it('knows a host name no lookup can find: a part over 63 characters or a name over 253', () => {
		expect(hostNameFits('https://hooks.example.com/quota')).toBe(true);
		expect(hostNameFits(`https://${'a'.repeat(63)}.com/`)).toBe(true);
		expect(hostNameFits(`https://${'a'.repeat(64)}.com/`)).toBe(false);
		expect(hostNameFits(`https://${'abcdefghi.'.repeat(26)}com/`)).toBe(false);
		expect(hostNameFits('https://203.0.113.7:8443/hooks')).toBe(true);
	});
});
