import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkIn, readMailDir, useOutboxDb } from '../helpers/mail';
import { createMailer } from '../../src/lib/server/mail';
import { passwordResetMail } from '../../src/lib/server/mail/templates';
import { checkResetToken, requestPasswordReset, resetPassword, signIn, signUp, validateSessionToken } from '../../src/lib/server/accounts';
import { DomainError } from '../../src/lib/server/errors';

const bed = useOutboxDb();

const limits = { idleMinutes: 60, absoluteDays: 30 };

/** Signs up, and waits for the mail that confirms the address (address-confirmation.test.ts): the mails after it are this test's. */
async function signedUp(input: Parameters<typeof signUp>[1], ip: string) {
	const before = bed.smtp.messages.length;
	const session = await signUp(bed.db, input, { ip });
	await bed.smtp.waitFor(input.email, before);
	return session;
}
const tokenOf = (link: string) => link.split('/reset/')[1]!;

describe('password reset by mail, through a real SMTP server', () => {
	it('mails a one-time link that sets a new password, ends old sessions and signs in', async () => {
		const old = await signedUp({ email: 'forgetful@example.com', name: 'Forgetful', password: 'first secret 1' }, '10.1.0.1');
		const before = bed.smtp.messages.length;
		await requestPasswordReset(bed.db, { email: 'Forgetful@Example.com' }, { ip: '10.1.0.1' });
		const mail = await bed.smtp.waitFor('forgetful@example.com', before);
		expect(mail.decoded).toMatch(/^Subject: Reset your Quota password/m);
		expect(mail.decoded).toMatch(/^From: Quota <no-reply@quota\.test>/m);
		const link = linkIn(mail, '/reset/');
		expect(link.startsWith('http://localhost:3000/reset/')).toBe(true);

		await expect(checkResetToken(bed.db, tokenOf(link))).resolves.toEqual({ email: 'forgetful@example.com' });
		const fresh = await resetPassword(bed.db, { token: tokenOf(link), password: 'second secret 2' }, { ip: '10.1.0.1' });
		expect(await validateSessionToken(bed.db, old.token, limits)).toBeNull();
		expect(await validateSessionToken(bed.db, fresh.token, limits)).not.toBeNull();
		await expect(signIn(bed.db, { email: 'forgetful@example.com', password: 'first secret 1' }, { ip: '10.1.0.2' })).rejects.toMatchObject({ code: 'unauthorized' });
		await expect(signIn(bed.db, { email: 'forgetful@example.com', password: 'second secret 2' }, { ip: '10.1.0.2' })).resolves.toBeTruthy();

		// The queued mail forgot its link once sent: the token is kept only as its hash.
		expect(await bed.db.rows(sql`select id from scheduled_jobs where payload::text like ${'%' + tokenOf(link) + '%'}`)).toEqual([]);

		// The link works once.
		await expect(resetPassword(bed.db, { token: tokenOf(link), password: 'third secret 3' }, {})).rejects.toMatchObject({ code: 'not_found' });
		await expect(checkResetToken(bed.db, tokenOf(link))).rejects.toMatchObject({ code: 'not_found' });
	});

	it('answers the same for unknown emails and sends nothing', async () => {
		const before = bed.smtp.messages.length;
		await expect(requestPasswordReset(bed.db, { email: 'nobody@example.com' }, { ip: '10.1.0.3' })).resolves.toBeUndefined();
		await new Promise((r) => setTimeout(r, 300));
		expect(bed.smtp.messages.length).toBe(before);
	});

	it('refuses expired links, weak new passwords and made-up tokens, changing nothing', async () => {
		const u = await signedUp({ email: 'late@example.com', name: 'Late', password: 'late again 7' }, '10.1.0.4');
		const after = bed.smtp.messages.length;
		await requestPasswordReset(bed.db, { email: 'late@example.com' }, { ip: '10.1.0.4' });
		const token = tokenOf(linkIn(await bed.smtp.waitFor('late@example.com', after), '/reset/'));

		const weak = await resetPassword(bed.db, { token, password: 'short' }, {}).catch((e: DomainError) => e);
		expect(weak).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/at least 10/) });
		await expect(checkResetToken(bed.db, token)).resolves.toBeTruthy();

		await bed.db.rows(sql`update password_resets set expires_at = now() - interval '1 second' where user_id = ${u.user.id}`);
		await expect(resetPassword(bed.db, { token, password: 'brand new 123' }, {})).rejects.toMatchObject({ code: 'not_found' });
		await expect(resetPassword(bed.db, { token: 'a'.repeat(32), password: 'brand new 123' }, {})).rejects.toMatchObject({ code: 'not_found' });
		expect(await validateSessionToken(bed.db, u.token, limits)).not.toBeNull();
		await expect(signIn(bed.db, { email: 'late@example.com', password: 'late again 7' }, { ip: '10.1.0.5' })).resolves.toBeTruthy();
	});

	it('rate limits reset requests per email', async () => {
		await signedUp({ email: 'spammed@example.com', name: 'Spammed', password: 'spam spam 99' }, '10.1.0.6');
		for (let i = 0; i < 3; i++) await requestPasswordReset(bed.db, { email: 'spammed@example.com' }, { ip: `10.1.1.${i}` });
		const limited = await requestPasswordReset(bed.db, { email: 'spammed@example.com' }, { ip: '10.1.1.9' }).catch((e: DomainError) => e);
		expect(limited).toMatchObject({ code: 'rate_limited' });
		expect((limited as DomainError).retryAfterSeconds).toBeGreaterThan(0);
	});
});

describe('the file transport (no SMTP_URL)', () => {
	it('writes a readable .eml with mode 600 and logs the link', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'quota-mail-'));
		try {
			const files = createMailer({ mailDir: dir, from: 'Quota <no-reply@quota.test>' });
			const logged: string[] = [];
			const log = console.log;
			console.log = (...args: unknown[]) => logged.push(args.join(' '));
			try {
				await files.send(passwordResetMail('eml@example.com', 'Eml', 'http://localhost:3000/reset/abcdefghijklmnopqrstuvwxyz234567'));
			} finally {
				console.log = log;
			}
			const [mail] = readMailDir(dir);
			expect(mail?.to).toEqual(['eml@example.com']);
			expect(linkIn(mail!, '/reset/')).toBe('http://localhost:3000/reset/abcdefghijklmnopqrstuvwxyz234567');
			expect(logged.join('\n')).toContain('http://localhost:3000/reset/abcdefghijklmnopqrstuvwxyz234567');
			const file = readdirSync(dir)[0]!;
			expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
