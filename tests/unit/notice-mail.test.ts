import { describe, expect, it } from 'vitest';
import { noticeMail } from '../../src/lib/server/mail/templates';

// A notice's mail (a used-up free allowance, a team left, tokens an admin added) says "Open your
// dashboard": its button opens the dashboard, not the start page, which shows a signed-in member
// the signed-out welcome with Sign in and Create account.
describe('a notice by mail', () => {
	it("opens the member's dashboard", () => {
		const mail = noticeMail('nina@example.com', 'Nina Novak', { title: 'Your free Chatbot allowance is used up until Dec 7, 2026, 00:00 UTC', body: 'Further use is paid from your balance.' }, 'https://quota.example.com');
		expect(mail.link).toBe('https://quota.example.com/dashboard');
		expect(mail.text).toContain('Open your dashboard: https://quota.example.com/dashboard\n');
		expect(mail.html).toContain('<a href="https://quota.example.com/dashboard"');
	});
});
