import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, like, sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { trpcRefusal } from '../helpers/refusal';
import { type World, type Caller, adminWorld } from '../helpers/world';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db';
import { auditLog, lots } from '../../src/lib/server/db/schema';
import { createUser } from '../../src/lib/server/accounts';
import { changeCampaignExpiry, endCampaign, endLotNow, siteDayExpiry } from '../../src/lib/server/admin';
import { balances, consume, hold, settle, statement, upsertFeature, upsertModule } from '../../src/lib/server/ledger';
import { listNotifications } from '../../src/lib/server/alerts';

// A site admin ends an event bonus that went out, or moves its expiry, from the Bonuses page: every
// account's lot of it changes through the ledger, in batches, and the audit log says how many.

let db: Db;
let w: World;
let admin: Caller;

beforeAll(async () => {
	({ db, w, admin } = await adminWorld('10.9.0.3'));
	await upsertModule(db.orm, { key: 'camp', name: 'Campaign module', limitMessage: 'No.' });
	await upsertFeature(db.orm, { key: 'camp_op', name: 'Campaign op', module: 'camp', unit: 'operation', tokensPerUnit: 1 });
});
afterAll(async () => db?.close());

const tag = () => randomUUID().slice(0, 8);
/** The site's calendar day `days` from today (the tests' site runs on UTC). */
const dayIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const endOf = async (day: string) => (await siteDayExpiry(db.orm, day)).expiresAt!.toISOString();
const actor = () => ({ userId: w.users.siteAdmin.id, ip: null });
const idem = () => ({ scope: 'camp', key: randomUUID() });
const auditOf = (action: string, targetId: string) =>
	db.orm.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId))).orderBy(auditLog.at);
const lotOf = async (accountId: string, id: string) => (await db.orm.select().from(lots).where(and(eq(lots.accountId, accountId), like(lots.grantKey, `campaign:${id}:%`))))[0]!;

/** A role held by `n` new users, and an event bonus of 1,000 tokens each to it. */
async function campaignToRole(n: number, expiresOn: string | null) {
	const role = `camp-${tag()}`;
	await admin.admin.roles.save({ key: role, name: `Camp ${role}`, isNew: true });
	const people = [];
	for (let i = 0; i < n; i++) people.push(await createUser(db.orm, { email: `${role}-${i}@example.com`, name: `Camp ${i}`, siteRole: role }));
	const c = await admin.admin.campaigns.start({ audience: 'role', role, tokens: 1000, expiresOn, note: `Black Friday ${role}`, key: `c-${role}` });
	expect(c.reached).toBe(n);
	return { role, people, c };
}

describe(`ending an event bonus on ${backend}`, () => {
	it('expires what is left of every lot through the ledger, in batches, once; a lot a job holds waits; it reaches no one after', async () => {
		const { role, people, c } = await campaignToRole(3, dayIn(30));
		const [spender, holder, idle] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
		await consume(db.orm, { accountId: spender.accountId, feature: 'camp_op', units: 300, actor: {}, idempotency: idem() });
		const h = await hold(db.orm, { accountId: holder.accountId, feature: 'camp_op', maxTokens: 100, ttlSeconds: 600, actor: {}, idempotency: idem() });
		expect(await admin.admin.campaigns.figures({ id: c.id })).toEqual({ lots: 3, granted: 3000, used: 400, left: 2600, expired: 0, counting: 3 });

		// Two lots per transaction: three lots are two steps. The held lot is left, and said.
		const ended = await endCampaign(db, actor(), c.id, 2);
		expect(ended).toMatchObject({ accounts: 2, tokens: 700 + 1000, held: 1, campaign: { id: c.id, endedBy: w.users.siteAdmin.name } });
		expect(ended.campaign.endedAt).not.toBeNull();
		expect((await balances(db.orm, spender.accountId)).available).toBe(0);
		expect((await balances(db.orm, idle.accountId)).available).toBe(0);
		// The statement's end is the ledger's own: an expiry of what was left, by the admin.
		const [last] = (await statement(db.orm, spender.accountId)).rows;
		expect(last).toMatchObject({ kind: 'expiry', tokens: -700, balanceAfter: 0, actorName: w.users.siteAdmin.name, source: 'event' });
		expect(await lotOf(holder.accountId, c.id)).toMatchObject({ expiredAt: null, remaining: 900 });
		const [entry] = await auditOf('campaign.ended', c.id);
		expect(entry).toMatchObject({ actorUserId: w.users.siteAdmin.id, before: { endedAt: null }, detail: { note: c.note, accounts: 2, tokens: 1700, held: 1 } });

		// Once the job is done, ending again ends the lot it held, and only that.
		await settle(db.orm, h.holdId, 40, idem());
		expect(await admin.admin.campaigns.end({ id: c.id })).toMatchObject({ accounts: 1, tokens: 960, held: 0 });
		expect(await admin.admin.campaigns.end({ id: c.id })).toMatchObject({ accounts: 0, tokens: 0, held: 0 });
		expect((await auditOf('campaign.ended', c.id)).map((e) => (e.detail as { accounts: number }).accounts)).toEqual([2, 1]);
		expect(await admin.admin.campaigns.figures({ id: c.id })).toEqual({ lots: 3, granted: 3000, used: 340, left: 0, expired: 2660, counting: 0 });

		// An ended campaign reaches no one else, and its expiry stays.
		const late = await createUser(db.orm, { email: `${role}-late@example.com`, name: 'Late', siteRole: role });
		expect(await trpcRefusal(admin.admin.campaigns.applyAgain({ id: c.id }))).toMatchObject({ domain: 'conflict' });
		expect(await trpcRefusal(admin.admin.campaigns.changeExpiry({ id: c.id, expiresOn: dayIn(60) }))).toMatchObject({ domain: 'conflict' });
		expect(await db.orm.select().from(lots).where(eq(lots.accountId, late.accountId))).toEqual([]);
		expect(await trpcRefusal(admin.admin.campaigns.end({ id: randomUUID() }))).toMatchObject({ domain: 'not_found' });
		await expectInvariants(db);
	});
});

describe(`changing an event bonus's expiry on ${backend}`, () => {
	it('moves it later, earlier or to never for every lot still counting and for accounts it reaches later, audited', async () => {
		const { role, people, c } = await campaignToRole(2, dayIn(10));
		const [endedEarly, kept] = people as [(typeof people)[0], (typeof people)[0]];
		// One account's lot was ended on its own page: it keeps that end.
		const early = await lotOf(endedEarly.accountId, c.id);
		await endLotNow(db, actor(), { accountId: endedEarly.accountId, lotId: early.id, key: randomUUID() });
		const endedAt = (await lotOf(endedEarly.accountId, c.id)).expiresAt;

		const later = await admin.admin.campaigns.changeExpiry({ id: c.id, expiresOn: dayIn(40) });
		expect(later).toMatchObject({ accounts: 1, campaign: { expiresAt: await endOf(dayIn(40)) } });
		expect((await lotOf(kept.accountId, c.id)).expiresAt?.toISOString()).toBe(await endOf(dayIn(40)));
		expect((await lotOf(endedEarly.accountId, c.id)).expiresAt).toEqual(endedAt);

		// Someone who takes the role later gets the new expiry; those who have the lot get no second one.
		const late = await createUser(db.orm, { email: `${role}-late@example.com`, name: 'Late', siteRole: role });
		expect(await admin.admin.campaigns.applyAgain({ id: c.id })).toMatchObject({ reached: 3 });
		expect((await lotOf(late.accountId, c.id)).expiresAt?.toISOString()).toBe(await endOf(dayIn(40)));
		expect(await db.orm.select().from(lots).where(like(lots.grantKey, `campaign:${c.id}:%`))).toHaveLength(3);

		// Earlier, one lot per transaction; then never; then the same again, which changes nothing.
		expect(await changeCampaignExpiry(db, actor(), c.id, new Date(await endOf(dayIn(5))), 1)).toMatchObject({ accounts: 2 });
		expect((await lotOf(late.accountId, c.id)).expiresAt?.toISOString()).toBe(await endOf(dayIn(5)));
		expect(await admin.admin.campaigns.changeExpiry({ id: c.id, expiresOn: null })).toMatchObject({ accounts: 2, campaign: { expiresAt: null } });
		expect((await lotOf(kept.accountId, c.id)).expiresAt).toBeNull();
		expect(await admin.admin.campaigns.changeExpiry({ id: c.id, expiresOn: null })).toMatchObject({ accounts: 0 });
		const entries = await auditOf('campaign.expiry_changed', c.id);
		expect(entries.map((e) => [e.before, e.after, (e.detail as { accounts: number }).accounts])).toEqual([
			[{ expiresAt: await endOf(dayIn(10)) }, { expiresAt: await endOf(dayIn(40)) }, 1],
			[{ expiresAt: await endOf(dayIn(40)) }, { expiresAt: await endOf(dayIn(5)) }, 2],
			[{ expiresAt: await endOf(dayIn(5)) }, { expiresAt: null }, 2]
		]);

		// A day that has passed is refused under Expires, and changes nothing.
		expect(await trpcRefusal(admin.admin.campaigns.changeExpiry({ id: c.id, expiresOn: dayIn(-2) }))).toMatchObject({ domain: 'invalid_input' });
		expect((await lotOf(kept.accountId, c.id)).expiresAt).toBeNull();
		expect((await balances(db.orm, kept.accountId)).available).toBe(1000);
		await expectInvariants(db);
	});
});

describe(`members told of an event bonus on ${backend}`, () => {
	/** A member's inbox entries of an event bonus, oldest first, as the Alerts page words them. */
	const told = async (userId: string) =>
		(await listNotifications(db.orm, userId)).entries
			.filter((e) => ['site_grant', 'expiry_changed', 'tokens_ended'].includes(e.kind))
			.reverse()
			.map((e) => [e.kind, e.said?.title, e.said?.body]);

	it('are told when it reaches them, when its expiry moves and when it ends, once each, with its note; a lot spent out tells nothing more', async () => {
		const { people, c } = await campaignToRole(2, dayIn(10));
		const [spent, kept] = people as [(typeof people)[0], (typeof people)[0]];
		const note = `Note from the site: ${c.note}`;
		// When it reaches them it says when it expires (the end of the site's day, UTC here).
		const added = expect.stringMatching(new RegExp(`^1,000 tokens added by the site, expiring [A-Z][a-z]{2} \\d{1,2}, ${new Date(await endOf(dayIn(10))).getUTCFullYear()}, 23:59 UTC$`));
		for (const p of people) expect(await told(p.id)).toEqual([['site_grant', added, note]]);
		await consume(db.orm, { accountId: spent.accountId, feature: 'camp_op', units: 1000, actor: {}, idempotency: idem() });

		// A new expiry, sent twice (the same change): told once, and only where tokens are left.
		const expiry = await endOf(dayIn(20));
		await admin.admin.campaigns.changeExpiry({ id: c.id, expiresOn: dayIn(20) });
		await changeCampaignExpiry(db, actor(), c.id, new Date(expiry));
		const moved = await told(kept.id);
		expect(moved).toHaveLength(2);
		expect(moved[1]).toEqual(['expiry_changed', expect.stringMatching(/^Your 1,000 bonus tokens now expire [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC$/), note]);
		expect(moved[1]![1]).toContain(new Date(expiry).getUTCFullYear().toString());
		await admin.admin.campaigns.changeExpiry({ id: c.id, expiresOn: null });
		expect((await told(kept.id))[2]).toEqual(['expiry_changed', 'Your 1,000 bonus tokens no longer expire', note]);

		await admin.admin.campaigns.end({ id: c.id });
		await admin.admin.campaigns.end({ id: c.id });
		expect((await told(kept.id)).slice(3)).toEqual([['tokens_ended', '1,000 tokens ended by the site', note]]);
		expect(await told(spent.id)).toEqual([['site_grant', added, note]]);
		await expectInvariants(db);
	});

	it('by e-mail too unless it was sent in the app only: then every notice stays in the app, whatever their e-mail alerts say', async () => {
		const role = `camp-${tag()}`;
		await admin.admin.roles.save({ key: role, name: `Camp ${role}`, isNew: true });
		const person = await createUser(db.orm, { email: `${role}@example.com`, name: 'Camp mail', siteRole: role, emailConfirmed: true });
		const mailsTo = async () =>
			(await db.rows<{ subject: string }>(sql`select payload->>'subject' as subject from scheduled_jobs where name = 'mail.send' and payload->>'to' = ${person.email} order by id`)).map((r) => r.subject);
		const mailedOf = async () => (await listNotifications(db.orm, person.id)).entries.map((e) => [e.kind, e.mailed]).reverse();
		const send = (byEmail: boolean | undefined, n: string) =>
			admin.admin.campaigns.start({ audience: 'role', role, tokens: 100, expiresOn: dayIn(10), note: `${n} ${role}`, key: `c-${n}-${role}`, ...(byEmail === undefined ? {} : { byEmail }) });

		const quiet = await send(false, 'quiet');
		expect(quiet.byEmail).toBe(false);
		await admin.admin.campaigns.changeExpiry({ id: quiet.id, expiresOn: dayIn(20) });
		await admin.admin.campaigns.end({ id: quiet.id });
		expect(await mailedOf()).toEqual([['site_grant', false], ['expiry_changed', false], ['tokens_ended', false]]);
		expect(await mailsTo()).toEqual([]);
		// The same key with the other choice is another campaign: refused, nothing sent.
		expect(await trpcRefusal(send(true, 'quiet'))).toMatchObject({ domain: 'idempotency_key_reused' });

		const loud = await send(undefined, 'loud');
		expect(loud.byEmail).toBe(true);
		expect((await mailedOf()).slice(3)).toEqual([['site_grant', true]]);
		expect(await mailsTo()).toEqual([expect.stringContaining('100 tokens added by the site')]);
		const [created] = await auditOf('campaign.created', quiet.id);
		expect(created!.detail).toMatchObject({ byEmail: false });
		await expectInvariants(db);
	});
});
