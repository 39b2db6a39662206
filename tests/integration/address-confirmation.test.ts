import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { linkIn, useOutboxDb, type CapturedMail } from '../helpers/mail';
import {
	acceptInvite,
	changeEmail,
	changePassword,
	checkConfirmationLink,
	confirmAddress,
	createTeam,
	inviteToTeam,
	profile,
	sendConfirmationAgain,
	signUp
} from '../../src/lib/server/accounts';
import { tellLookers } from '../../src/lib/server/alerts/tell';
import { accountDetail } from '../../src/lib/server/admin/detail';

// A member's address gets one mail, the link that confirms it, until they open it: an address
// someone else typed at sign-up is not sent that person's alerts. Through a real SMTP server.

const bed = useOutboxDb();

const subjectOf = (m: CapturedMail) => /^Subject: (.*)$/m.exec(m.decoded)?.[1];
const tokenOf = (m: CapturedMail) => linkIn(m, '/confirm/').split('/confirm/')[1]!;
/** The mails to `to` with `subject` (a start of it), in the order sent. */
const mailsTo = (to: string, subject = '') => bed.smtp.messages.filter((m) => m.to.includes(to) && subjectOf(m)?.startsWith(subject));
/** Waits for the next mail to `to` after those already in, and answers it. */
async function nextMailTo(to: string, before: number) {
	return bed.smtp.waitFor(to, before);
}
/** Every mail queued and not sent yet has gone out (the schedule wakes at each commit). */
async function settled() {
	for (let i = 0; i < 50; i++) {
		const [row] = await bed.db.rows<{ n: number }>(sql`select count(*)::int as n from scheduled_jobs where name = 'mail.send' and status = 'scheduled'`);
		if (!row?.n) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error('mail still queued');
}
/** Tells the user's account something, as every server-worded notice does (alerts/tell.ts); answers whether it said it would mail it. */
async function notice(accountId: string, key: string): Promise<boolean> {
	await bed.db.orm.transaction((tx) => tellLookers(tx, { accountId, kind: 'credit_added', key, tag: 'test', say: () => ({ title: `Notice ${key}`, body: 'Words.' }) }));
	const [row] = await bed.db.rows<{ mailed: boolean }>(sql`select (detail ->> 'mailed')::boolean as mailed from notifications where dedupe_key = ${`credit_added:${key}:`} || (select id::text from users where account_id = ${accountId}::uuid)`);
	return row!.mailed;
}
/** Whether the user's address is confirmed. */
const confirmed = async (userId: string) => (await bed.db.rows<{ is: boolean }>(sql`select email_confirmed_at is not null as is from users where id = ${userId}::uuid`))[0]!.is;
const auditOf = (userId: string) => bed.db.rows<{ after: unknown }>(sql`select after from audit_log where action = 'user.email_confirmed' and target_id = ${userId} order by id`);

describe("a member's address is confirmed by a mailed link before it is mailed anything else", () => {
	it('mails a link at sign-up; until it is opened, notices reach the inbox and not the address; opened, they are mailed too', async () => {
		const before = bed.smtp.messages.length;
		const m = await signUp(bed.db, { email: 'nova@example.com', name: 'Nova', password: 'nova secret 1' }, { ip: '10.7.0.1' });
		const mail = await nextMailTo('nova@example.com', before);
		expect(subjectOf(mail)).toBe('Confirm your email address for Quota');
		expect(mail.decoded).toContain('Welcome to Quota.');
		expect(mail.decoded).toContain('The link works for 3 days.');
		expect(linkIn(mail, '/confirm/')).toMatch(/^http:\/\/localhost:3000\/confirm\/[A-Za-z0-9_-]{16,}$/);
		// The token is kept only as its hash; the queued mail forgot it once sent.
		await settled();
		expect(await bed.db.rows(sql`select 1 from address_confirmations where token_hash = ${tokenOf(mail)}`)).toEqual([]);
		expect(await bed.db.rows(sql`select id from scheduled_jobs where payload::text like ${'%' + tokenOf(mail) + '%'}`)).toEqual([]);

		const auth = { sessionId: m.sessionId, user: { ...m.user, timeZone: null } };
		expect((await profile(bed.db, auth)).emailConfirmed).toBe(false);
		// The console's page of the user says so too.
		expect((await accountDetail(bed.db.orm, m.user.accountId)).user).toMatchObject({ email: 'nova@example.com', emailConfirmed: false });
		expect(await notice(m.user.accountId, 'before')).toBe(false);
		await settled();
		expect(mailsTo('nova@example.com', 'Notice')).toEqual([]);

		await expect(checkConfirmationLink(bed.db, tokenOf(mail))).resolves.toEqual({ state: 'usable', email: 'nova@example.com' });
		await expect(confirmAddress(bed.db, tokenOf(mail), { ip: '10.7.0.2' })).resolves.toEqual({ email: 'nova@example.com' });
		expect(await confirmed(m.user.id)).toBe(true);
		expect((await profile(bed.db, auth)).emailConfirmed).toBe(true);
		expect((await accountDetail(bed.db.orm, m.user.accountId)).user).toMatchObject({ emailConfirmed: true });
		expect(await auditOf(m.user.id)).toEqual([{ after: { email: 'nova@example.com' } }]);

		// Opened again: the page says it is done; the link itself is used up.
		await expect(checkConfirmationLink(bed.db, tokenOf(mail))).resolves.toEqual({ state: 'confirmed', email: 'nova@example.com' });
		await expect(confirmAddress(bed.db, tokenOf(mail))).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/expired or was already used/) });
		expect(await auditOf(m.user.id)).toHaveLength(1);

		const sent = bed.smtp.messages.length;
		expect(await notice(m.user.accountId, 'after')).toBe(true);
		expect(subjectOf(await nextMailTo('nova@example.com', sent))).toBe('Notice after');
	});

	it('refuses an expired, made-up or overlong link, confirming nothing', async () => {
		const before = bed.smtp.messages.length;
		const m = await signUp(bed.db, { email: 'late.nova@example.com', name: 'Late', password: 'late secret 1' }, { ip: '10.7.0.3' });
		const token = tokenOf(await nextMailTo('late.nova@example.com', before));
		await bed.db.rows(sql`update address_confirmations set expires_at = now() - interval '1 second' where user_id = ${m.user.id}::uuid`);
		for (const t of [token, 'a'.repeat(43), 'x'.repeat(4000)]) {
			await expect(checkConfirmationLink(bed.db, t)).rejects.toMatchObject({ code: 'not_found' });
			await expect(confirmAddress(bed.db, t)).rejects.toMatchObject({ code: 'not_found', message: 'This link has expired or was already used. Sign in and ask for a new one in Settings.' });
		}
		expect(await confirmed(m.user.id)).toBe(false);
		expect(await auditOf(m.user.id)).toEqual([]);
	});

	it('sends a new link on request, three an hour, and nothing once the address is confirmed', async () => {
		const before = bed.smtp.messages.length;
		const m = await signUp(bed.db, { email: 'again@example.com', name: 'Again', password: 'again secret 1' }, { ip: '10.7.0.4' });
		await nextMailTo('again@example.com', before);
		for (let i = 0; i < 3; i++) await expect(sendConfirmationAgain(bed.db, m.user.id)).resolves.toEqual({ sentTo: 'again@example.com' });
		await expect(sendConfirmationAgain(bed.db, m.user.id)).rejects.toMatchObject({ code: 'rate_limited' });
		await settled();
		const links = mailsTo('again@example.com', 'Confirm your email address');
		expect(links).toHaveLength(4);
		expect(links.slice(1).every((l) => l.decoded.includes('Here is a new link'))).toBe(true);
		// Any of them works (the first one here); the others then say it is done.
		await confirmAddress(bed.db, tokenOf(links[0]!));
		await expect(checkConfirmationLink(bed.db, tokenOf(links[3]!))).resolves.toEqual({ state: 'confirmed', email: 'again@example.com' });
		await expect(sendConfirmationAgain(bed.db, m.user.id)).resolves.toEqual({ confirmed: true });
	});

	it('makes a new address wait for its own link; a link to the old one no longer confirms anything', async () => {
		let before = bed.smtp.messages.length;
		const m = await signUp(bed.db, { email: 'mover@example.com', name: 'Mover', password: 'mover secret 1' }, { ip: '10.7.0.5' });
		await confirmAddress(bed.db, tokenOf(await nextMailTo('mover@example.com', before)));
		const self = { userId: m.user.id, sessionId: m.sessionId };

		before = bed.smtp.messages.length;
		await changeEmail(bed.db, self, { email: 'moved@example.com', currentPassword: 'mover secret 1' }, { ip: '10.7.0.5' });
		const link = await nextMailTo('moved@example.com', before);
		expect(link.decoded).toContain('You asked Quota to use this address for your account.');
		await settled();
		// The old, confirmed address is told of the change.
		expect(mailsTo('mover@example.com', 'The email address of your Quota account was changed')).toHaveLength(1);
		expect(await confirmed(m.user.id)).toBe(false);
		expect(await notice(m.user.accountId, 'moved')).toBe(false);

		// Changed again before confirming: the first new address's link confirms nothing now, and the
		// address it was for, never confirmed, is told nothing.
		before = bed.smtp.messages.length;
		await changeEmail(bed.db, self, { email: 'moved.again@example.com', currentPassword: 'mover secret 1' }, { ip: '10.7.0.5' });
		const latest = await nextMailTo('moved.again@example.com', before);
		await expect(checkConfirmationLink(bed.db, tokenOf(link))).rejects.toMatchObject({ code: 'not_found' });
		await expect(confirmAddress(bed.db, tokenOf(link))).rejects.toMatchObject({ code: 'not_found' });
		expect(await confirmed(m.user.id)).toBe(false);
		// The refused link was not used up: it stays refused for the same reason, and the latest works.
		await changePassword(bed.db, self, { currentPassword: 'mover secret 1', newPassword: 'mover secret 2' }, { ip: '10.7.0.5' });
		await settled();
		expect(mailsTo('moved@example.com', 'The email address')).toEqual([]);
		expect(mailsTo('moved.again@example.com', 'The password of your Quota account was changed')).toEqual([]);
		await expect(confirmAddress(bed.db, tokenOf(latest))).resolves.toEqual({ email: 'moved.again@example.com' });
		expect(await auditOf(m.user.id)).toEqual([{ after: { email: 'mover@example.com' } }, { after: { email: 'moved.again@example.com' } }]);
	});

	it('takes an accepted team invitation, mailed to the address, as the same proof', async () => {
		let before = bed.smtp.messages.length;
		const owner = await signUp(bed.db, { email: 'owner.nova@example.com', name: 'Owner', password: 'owner secret 1' }, { ip: '10.7.0.6' });
		await confirmAddress(bed.db, tokenOf(await nextMailTo('owner.nova@example.com', before)));
		const team = await createTeam(bed.db.orm, { name: 'Nova team', ownerUserId: owner.user.id });
		const invite = await inviteToTeam(bed.db, { teamId: team.id, email: 'joiner@example.com', role: 'member' }, { userId: owner.user.id, siteAdmin: false });
		before = bed.smtp.messages.length;
		const joiner = await signUp(bed.db, { email: 'joiner@example.com', name: 'Joiner', password: 'joiner secret 1' }, { ip: '10.7.0.7' });
		await nextMailTo('joiner@example.com', before);
		expect(await confirmed(joiner.user.id)).toBe(false);
		await acceptInvite(bed.db, invite.link.split('/invite/')[1]!, joiner.user, '10.7.0.7');
		expect(await confirmed(joiner.user.id)).toBe(true);
		expect(await auditOf(joiner.user.id)).toEqual([{ after: { email: 'joiner@example.com' } }]);

		// Signed up from the invitation's link, to the address it was mailed to: confirmed at once, no link mailed.
		const next = await inviteToTeam(bed.db, { teamId: team.id, email: 'straight@example.com', role: 'member' }, { userId: owner.user.id, siteAdmin: false });
		const straight = await signUp(bed.db, { email: ' Straight@Example.com ', name: 'Straight', password: 'straight secret 1' }, { ip: '10.7.0.8' }, undefined, next.link.split('/invite/')[1]!);
		expect(await confirmed(straight.user.id)).toBe(true);
		expect(await auditOf(straight.user.id)).toEqual([{ after: { email: 'straight@example.com' } }]);
		// Another address than the invitation's, or a token of no invitation: the link is mailed, as to anyone.
		const other = await signUp(bed.db, { email: 'elsewhere@example.com', name: 'Elsewhere', password: 'elsewhere secret 1' }, { ip: '10.7.0.8' }, undefined, next.link.split('/invite/')[1]!);
		const stranger = await signUp(bed.db, { email: 'stranger@example.com', name: 'Stranger', password: 'stranger secret 1' }, { ip: '10.7.0.8' }, undefined, 'x'.repeat(40));
		await settled();
		expect(mailsTo('straight@example.com', 'Confirm your email address')).toEqual([]);
		expect(mailsTo('straight@example.com')).toHaveLength(1); // the invitation
		for (const [who, address] of [[other, 'elsewhere@example.com'], [stranger, 'stranger@example.com']] as const) {
			expect(await confirmed(who.user.id)).toBe(false);
			expect(mailsTo(address, 'Confirm your email address')).toHaveLength(1);
		}
	});
});
