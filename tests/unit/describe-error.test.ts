import { describe, expect, it } from 'vitest';
import { createTransport } from 'nodemailer';
import { describeError } from '../../src/lib/server/log';

describe('describeError: a logged failure says what to fix without the request values', () => {
	it("gives a mail server that cannot be reached its socket's code, not only nodemailer's ESOCKET", async () => {
		// Nothing listens on port 1: what a queued mail's send meets while SMTP_URL points at a server that is down.
		const error = await createTransport('smtp://user:pass@127.0.0.1:1').sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'x' }).catch((e: unknown) => e);
		const [first] = describeError(error).split('\n');
		expect(first).toBe('Error ESOCKET ECONNREFUSED');
	});

	it("gives an SMTP server's refusal its reply code, and never the message", () => {
		const refused = Object.assign(new Error('Invalid login: 535 5.7.8 Authentication failed for user@example.com'), { code: 'EAUTH', responseCode: 535 });
		const text = describeError(refused);
		expect(text.split('\n')[0]).toBe('Error EAUTH 535');
		expect(text).not.toContain('user@example.com');
	});
});
