// A member hears of their free allowance: once per window when it is used up (what pays from then on,
// until when), once per change when the site changes what their role, they themselves or their team's
// pool gets (None, less, a longer period, or more), and once when a new time zone or week start moves
// their resets (or their team pool's, to its owners and admins), in the inbox, by push and by mail as
// their settings say.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { configureRates, expectInvariants, makeTeamWithMember, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { accounts, teamMembers } from '../../src/lib/server/db/schema';
import { balanceChanges, balances, consume, getSiteSettings, grant, nextResets, setAllowanceRule, CHANGE_CHANNEL, EVERY_ACCOUNT } from '../../src/lib/server/ledger';
import { openPostgres } from '../../src/lib/server/db/client';
import { allowanceChangeJob, allowanceResetsJob, listNotifications, noticeAllowanceChange, poolResetsJob, startAllowanceNotices } from '../../src/lib/server/alerts';
import { saveLimits, saveSiteSettings, setAllowance } from '../../src/lib/server/admin';
import { recordDomainEvent } from '../../src/lib/server/domain-events';
import { startSchedule, type Schedule } from '../../src/lib/server/schedule';
import { localeFormatter } from '../../src/lib/refusal-message';
import { zoneName } from '../../src/lib/zone-name';
import type { ModuleLimitsInput } from '../../src/lib/server/ledger';

/** `text` matched as itself in a RegExp: a zone's name has parentheses and a plus ("Tokyo time (UTC+9)"). */
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let db: Db & { url?: string };
let stop: () => void;
/** The schedule's allowance-change and the two allowance-resets jobs only: pushes and mails stay queued, to be counted. */
let schedule: Schedule;
let zone: string;
let owner: { userId: string; ip: string | null };
const at = (iso: string) => localeFormatter('en').time(iso, zone);

beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	stop = startAllowanceNotices();
	schedule = await startSchedule(db, [allowanceChangeJob(), allowanceResetsJob(), poolResetsJob()], { pollMs: 3_600_000 });
	zone = (await getSiteSettings(db.orm)).timeZone;
	owner = { userId: (await makeUser(db, 'administrator')).userId, ip: '10.0.0.9' };
}, 60_000);
afterAll(async () => {
	stop?.();
	await schedule?.stop();
	await db?.close();
});

const spendKey = () => ({ scope: 'test', key: randomUUID() });
/** A consume of `search_images` (10 tokens an operation; module Product generator). */
const use = (accountId: string, ops: number) => consume(db.orm, { accountId, feature: 'search_images', units: ops, actor: {}, idempotency: spendKey() });
const told = async (userId: string, kind: string) => (await listNotifications(db.orm, userId)).entries.filter((e) => e.kind === kind);
const said = async (userId: string, kind: string) => (await told(userId, kind)).map((e) => e.said);
const queued = async (name: string, key: string) =>
	(await db.rows<{ n: number }>(sql`select count(*)::int as n from scheduled_jobs where name = ${name} and key like ${`${key}%`}`))[0]!.n;
const resetOf = async (accountId: string) => (await balances(db.orm, accountId)).allowances.find((a) => a.module === 'product')!.resetsAt!;

describe(`a used-up free allowance, told once per window, on ${backend}`, () => {
	it('with a balance: "used up until …; further use is paid from your balance", once however much more is spent', async () => {
		await setAllowanceRule(db.orm, { module: 'product', audience: 'role', role: 'used-up', limitTokens: 90, period: 'daily' });
		const u = await makeUser(db, 'used-up');
		await grant(db.orm, { accountId: u.accountId, tokens: 1_000, source: 'purchase' });
		await use(u.accountId, 5); // 50 of 90 free
		expect(await told(u.userId, 'allowance_used_up')).toEqual([]);
		await use(u.accountId, 5); // the last 40 free, then 10 from the pack
		await use(u.accountId, 3); // the pack only
		const resets = await resetOf(u.accountId);
		expect(at(resets)).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d\d:\d\d /);
		const notices = await told(u.userId, 'allowance_used_up');
		expect(notices).toMatchObject([{ accountId: u.accountId, teamName: null, mailed: true, readAt: null }]);
		expect(notices[0]!.said).toEqual({ title: `Your free Product generator allowance is used up until ${at(resets)}`, body: 'Further use is paid from your balance.' });
		// Its push and mail, queued with it.
		const key = `allowance_used_up:${u.accountId}:product:${Date.parse(resets) / 1000}:${u.userId}`;
		expect(await queued('mail.send', key)).toBe(1);
		expect((await balances(db.orm, u.accountId)).available).toBe(1_000 - 10 - 30);
		await expectInvariants(db);
	});

	it('without a balance: "further use is refused until then"; refused spends tell nothing more; a guest is told nothing', async () => {
		await setAllowanceRule(db.orm, { module: 'product', audience: 'role', role: 'used-up-free', limitTokens: 90, period: 'daily' });
		const u = await makeUser(db, 'used-up-free');
		await use(u.accountId, 9); // exactly the 90 free tokens
		await expect(use(u.accountId, 1)).rejects.toMatchObject({ code: 'allowance_exhausted' });
		await expect(use(u.accountId, 1)).rejects.toMatchObject({ code: 'allowance_exhausted' });
		expect(await said(u.userId, 'allowance_used_up')).toEqual([
			{ title: `Your free Product generator allowance is used up until ${at(await resetOf(u.accountId))}`, body: 'Further use is refused until then, unless you add tokens.' }
		]);

		await setAllowanceRule(db.orm, { module: 'product', audience: 'guest', limitTokens: 20, period: 'daily' });
		const [guest] = await db.orm.insert(accounts).values({ kind: 'guest', name: 'Guest' }).returning();
		await use(guest!.id, 2);
		expect((await db.rows<{ n: number }>(sql`select count(*)::int as n from notifications where account_id = ${guest!.id}::uuid`))[0]!.n).toBe(0);
		await expectInvariants(db);
	});

	it("a team pool's: its owners and admins are told, the pool named; a plain member is not", async () => {
		const { team, owner: teamOwner, member } = await makeTeamWithMember(db, 500);
		await setAllowanceRule(db.orm, { module: 'product', audience: 'team', teamId: team.teamId, limitTokens: 30, period: 'daily' });
		await use(team.accountId, 4); // 30 free, 10 from the pool
		const [entry] = await told(teamOwner.userId, 'allowance_used_up');
		expect(entry).toMatchObject({ accountId: team.accountId, teamName: expect.any(String) });
		expect(entry!.said).toEqual({
			title: `${entry!.teamName}'s free Product generator allowance is used up until ${at(await resetOf(team.accountId))}`,
			body: `Further use is paid from ${entry!.teamName}'s pool.`
		});
		expect(await told(member.userId, 'allowance_used_up')).toEqual([]);
		await expectInvariants(db);
	});

	it('concurrent spends that use it up, and the event announced again by two processes at once: one notice', async () => {
		await setAllowanceRule(db.orm, { module: 'product', audience: 'role', role: 'used-up-race', limitTokens: 90, period: 'daily' });
		const u = await makeUser(db, 'used-up-race');
		await grant(db.orm, { accountId: u.accountId, tokens: 1_000, source: 'purchase' });
		await Promise.all(Array.from({ length: 20 }, () => use(u.accountId, 1)));
		const resets = await resetOf(u.accountId);
		const event = {
			type: 'allowance.exhausted' as const,
			accountId: u.accountId,
			key: `${u.accountId}:product:${Date.parse(resets) / 1000}`,
			data: { module: 'product', limit: 90, period: 'daily', resets_at: resets }
		};
		await Promise.all([1, 2, 3].map(() => db.orm.transaction((tx) => recordDomainEvent(tx, event))));
		expect(await told(u.userId, 'allowance_used_up')).toHaveLength(1);
		expect((await balances(db.orm, u.accountId)).available).toBe(1_000 - 110);
		await expectInvariants(db);
	});
});

const chat = (limits: Partial<ModuleLimitsInput>): ModuleLimitsInput => ({
	module: 'chat', guest: 'none', limitType: 'role', members: 1_000, roles: {}, period: 'daily', limitMessage: 'You have used today’s free chat tokens.', onExhausted: 'message', ...limits
});
/** Saves the Chatbot's limits as the site owner does, then runs the notices' job until it has told everyone. */
async function save(limits: Partial<ModuleLimitsInput>) {
	await saveLimits(db, owner, chat(limits));
	for (let i = 0; i < 5; i++) await schedule.runDue();
}
const changes = (userId: string) => said(userId, 'allowance_changed');

describe(`a change of a role's free allowance, told to its members once, on ${backend}`, () => {
	it('None, a smaller amount, a longer period and more: each member whose allowance changed hears it once; a member with a rule of their own does not', async () => {
		const [writer, reader, other, own] = [await makeUser(db, 'writer'), await makeUser(db, 'reader'), await makeUser(db, 'subscriber'), await makeUser(db, 'writer')];
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'member', userId: own.userId, limitTokens: 300, period: 'daily' });
		await grant(db.orm, { accountId: writer.accountId, tokens: 1_000, source: 'purchase' });
		await save({ roles: { writer: 10_000, reader: 5_000 } });
		expect(await changes(writer.userId)).toEqual([{ title: 'Your free Chatbot allowance is now 10,000 tokens a day', body: expect.stringMatching(/^It was no free allowance\. It applies from now on; this window resets /) }]);
		const reset = (await changes(reader.userId))[0]!.body.replace(/^.*this window resets (.*)\.$/, '$1');

		// The writer loses it, the reader gets less, the other roles keep 1,000. The reader's open page
		// hears of a new inbox entry (one notice for every open page, not one per member).
		const heard: string[] = [];
		const unsubscribe = await balanceChanges(db).subscribe(reader.accountId, (kind) => heard.push(kind));
		await save({ roles: { writer: 'none', reader: 2_000 } });
		await expect.poll(() => heard.includes('inbox'), { timeout: 5_000 }).toBe(true);
		unsubscribe();
		expect((await changes(writer.userId))[0]).toEqual({ title: 'Your free Chatbot allowance has ended', body: 'It was 10,000 tokens a day. From now on, Chatbot use is paid from your balance.' });
		expect((await changes(reader.userId))[0]).toEqual({ title: 'Your free Chatbot allowance is now 2,000 tokens a day', body: `It was 5,000 tokens a day. It applies from now on; this window resets ${reset}.` });
		expect(await changes(other.userId)).toHaveLength(1); // the first save's only
		expect(await changes(own.userId)).toEqual([]);

		// The same form saved again changes no one's allowance: no one is told.
		await save({ roles: { writer: 'none', reader: 2_000 } });
		expect([(await changes(writer.userId)).length, (await changes(reader.userId)).length]).toEqual([2, 2]);

		// A longer period: those with a number of tokens hear of it; the writer, with none, does not.
		await save({ roles: { writer: 'none', reader: 2_000 }, period: 'weekly' });
		expect((await changes(reader.userId))[0]).toMatchObject({ title: 'Your free Chatbot allowance is now 2,000 tokens a week', body: expect.stringMatching(/^It was 2,000 tokens a day\. It applies from now on; this window resets /) });
		expect((await changes(other.userId))[0]!.title).toBe('Your free Chatbot allowance is now 1,000 tokens a week');
		expect(await changes(writer.userId)).toHaveLength(2);

		// The writer's use is paid from the balance now; the ledger holds.
		await consume(db.orm, { accountId: writer.accountId, feature: 'ai_bots', units: 40, actor: {}, idempotency: spendKey() });
		expect((await balances(db.orm, writer.accountId)).available).toBe(900);
		await expectInvariants(db);
	});

	it("one rule set for all users, then for a role (the console's allowance setter): their members told; a member who joined after the change is not", async () => {
		const [editor, plain] = [await makeUser(db, 'editor-x'), await makeUser(db, 'plain-x')];
		await setAllowance(db, owner, { module: 'bots', audience: 'user', limitTokens: 3_000, period: 'weekly' });
		const late = await makeUser(db, 'plain-x'); // after the change, before the schedule tells anyone
		for (let i = 0; i < 3; i++) await schedule.runDue();
		const first = { title: 'Your free AI Bots allowance is now 3,000 tokens a week', body: expect.stringMatching(/^It was no free allowance\. It applies from now on; this window resets /) };
		expect(await said(plain.userId, 'allowance_changed')).toEqual([first]);
		expect(await said(late.userId, 'allowance_changed')).toEqual([]);

		await setAllowance(db, owner, { module: 'bots', audience: 'role', role: 'editor-x', limitTokens: 0, period: 'weekly' });
		for (let i = 0; i < 3; i++) await schedule.runDue();
		expect(await said(editor.userId, 'allowance_changed')).toEqual([
			{ title: 'AI Bots is no longer available to you', body: 'It was 3,000 tokens a week. From now on, AI Bots cannot be used, even with a balance.' },
			first
		]);
		expect(await said(plain.userId, 'allowance_changed')).toHaveLength(1);
	});

	it('a member who joined at the very moment of the change is told: the change keeps its time to the microsecond', async () => {
		// CI found a member made just before a change and never told: the change's time had been cut to a JS Date's millisecond,
		// so a member who joined earlier in that millisecond was "after" it. Here the member joins at the change's own now().
		const member = await makeUser(db, 'same-moment');
		await db.orm.transaction(async (tx) => {
			await tx.execute(sql`update users set created_at = now() where id = ${member.userId}::uuid`);
			await noticeAllowanceChange(tx, 'bots', 'weekly', { byRole: { 'same-moment': { from: { limit: 'none', period: 'weekly' }, to: { limit: 500, period: 'weekly' } } }, others: null });
		});
		for (let i = 0; i < 3; i++) await schedule.runDue();
		expect(await said(member.userId, 'allowance_changed')).toEqual([
			{ title: 'Your free AI Bots allowance is now 500 tokens a week', body: expect.stringMatching(/^It was no free allowance\. It applies from now on; this window resets /) }
		]);
	});

	it('many members: told in batches by the schedule, each once, with a mail queued for each unless alert mails are off or the address is unconfirmed', async () => {
		const role = `bulk-${randomUUID().slice(0, 6)}`;
		await db.orm.execute(sql`
			with a as (insert into accounts (kind, name) select 'user', 'Bulk ' || g from generate_series(1, 700) g returning id)
			insert into users (account_id, email, email_confirmed_at, name, site_role) select id, id::text || '@bulk.test', now(), 'Bulk', ${role} from a`);
		// One of them turned alert mails off in Settings; another has not confirmed their address: told, not mailed.
		await db.orm.execute(sql`insert into user_settings (user_id, email_alerts) select id, false from users where site_role = ${role} order by id limit 1`);
		await db.orm.execute(sql`update users set email_confirmed_at = null where id = (select id from users where site_role = ${role} order by id desc limit 1)`);
		await saveLimits(db, owner, chat({ roles: { [role]: 'none' }, period: 'weekly' }));
		const [job] = await db.rows<{ payload: Record<string, unknown> }>(sql`select payload from scheduled_jobs where name = 'alerts.allowance-change' and status = 'scheduled'`);
		for (let i = 0; i < 5; i++) await schedule.runDue();
		const counts = await db.rows<{ told: number; people: number; mails: number }>(sql`
			select count(*)::int as told, count(distinct n.user_id)::int as people,
			       (select count(*)::int from scheduled_jobs j where j.name = 'mail.send' and j.key in (select dedupe_key from notifications n2 join users u2 on u2.id = n2.user_id where u2.site_role = ${role})) as mails
			  from notifications n join users u on u.id = n.user_id where u.site_role = ${role} and n.kind = 'allowance_changed'`);
		expect(counts[0]).toEqual({ told: 700, people: 700, mails: 698 });
		const mailed = await db.rows<{ mailed: boolean; n: number }>(sql`
			select (n.detail ->> 'mailed')::boolean as mailed, count(*)::int as n from notifications n join users u on u.id = n.user_id
			 where u.site_role = ${role} and n.kind = 'allowance_changed' group by 1 order by 1`);
		expect(mailed).toEqual([{ mailed: false, n: 2 }, { mailed: true, n: 698 }]);
		// A batch run again (a process died after its commit): no one twice.
		expect(await allowanceChangeJob().run({ db, payload: job!.payload, attempt: 2, saveState: async () => {}, signal: new AbortController().signal })).toBe(0);
		expect((await db.rows<{ n: number }>(sql`select count(*)::int as n from notifications n join users u on u.id = n.user_id where u.site_role = ${role}`))[0]!.n).toBe(700);
	});
});

const product = (limitTokens: number | null | 'none', period: 'daily' | 'weekly' = 'daily') => ({ module: 'product', limitTokens, period });

describe(`one member's or one team pool's own free allowance, told once per change, on ${backend}`, () => {
	it("a member's own rule: they hear what it is now and what their role gave; the same rule again, a disabled member: no one", async () => {
		await setAllowanceRule(db.orm, { module: 'product', audience: 'role', role: 'solo', limitTokens: 1_000, period: 'daily' });
		const [solo, gone] = [await makeUser(db, 'solo'), await makeUser(db, 'solo')];
		await db.orm.execute(sql`update users set disabled_at = now() where id = ${gone.userId}::uuid`);
		await setAllowance(db, owner, { ...product(300), audience: 'member', userId: solo.userId });
		await setAllowance(db, owner, { ...product(300), audience: 'member', userId: gone.userId });
		const first = { title: 'Your free Product generator allowance is now 300 tokens a day', body: expect.stringMatching(/^It was 1,000 tokens a day\. It applies from now on; this window resets /) };
		expect(await changes(solo.userId)).toEqual([first]);
		expect((await told(solo.userId, 'allowance_changed'))[0]).toMatchObject({ accountId: solo.accountId, teamName: null, mailed: true });
		const mails = await db.rows<{ n: number }>(sql`
			select count(*)::int as n from scheduled_jobs where name = 'mail.send'
			   and key in (select dedupe_key from notifications where user_id = ${solo.userId}::uuid and kind = 'allowance_changed')`);
		expect(mails[0]!.n).toBe(1);

		// Saved again (a double click, a retried request): what they get did not change, no one is told.
		await setAllowance(db, owner, { ...product(300), audience: 'member', userId: solo.userId });
		await setAllowance(db, owner, { ...product(0), audience: 'member', userId: solo.userId });
		expect(await changes(solo.userId)).toEqual([
			{ title: 'Product generator is no longer available to you', body: 'It was 300 tokens a day. From now on, Product generator cannot be used, even with a balance.' },
			first
		]);
		expect(await changes(gone.userId)).toEqual([]);

		// Ended (None): they get their role's again, and hear it once; ended again, nothing more. Their
		// role's next change reaches them again.
		await setAllowance(db, owner, { ...product('none'), audience: 'member', userId: solo.userId });
		await setAllowance(db, owner, { ...product('none'), audience: 'member', userId: solo.userId });
		expect((await changes(solo.userId))[0]).toEqual({
			title: 'Your free Product generator allowance is now 1,000 tokens a day',
			body: expect.stringMatching(/^It was not available\. It applies from now on; this window resets /)
		});
		expect(await changes(solo.userId)).toHaveLength(3);
		await grant(db.orm, { accountId: solo.accountId, tokens: 50, source: 'purchase' });
		await use(solo.accountId, 3); // 30 of the role's 1,000 free
		expect((await balances(db.orm, solo.accountId)).allowances.find((a) => a.module === 'product')).toMatchObject({ limit: 1_000, used: 30 });
		await setAllowance(db, owner, { ...product(800), audience: 'role', role: 'solo' });
		for (let i = 0; i < 3; i++) await schedule.runDue();
		expect((await changes(solo.userId))[0]!.title).toBe('Your free Product generator allowance is now 800 tokens a day');
		await expectInvariants(db);
	});

	it("several set at once: the member hears of one change; a team pool's owners and admins hear its own, its plain members do not", async () => {
		await setAllowanceRule(db.orm, { module: 'product', audience: 'role', role: 'racer', limitTokens: 1_000, period: 'daily' });
		const racer = await makeUser(db, 'racer');
		await Promise.all([1, 2, 3].map(() => setAllowance(db, owner, { ...product(null), audience: 'member', userId: racer.userId })));
		expect(await changes(racer.userId)).toEqual([{ title: 'Your free Product generator allowance is now unlimited', body: 'It was 1,000 tokens a day. It applies from now on.' }]);

		const { team, owner: teamOwner, member } = await makeTeamWithMember(db, 100);
		await setAllowance(db, owner, { ...product(2_000, 'weekly'), audience: 'team', teamId: team.teamId });
		const [entry] = await told(teamOwner.userId, 'allowance_changed');
		expect(entry).toMatchObject({ accountId: team.accountId, teamName: expect.any(String) });
		expect(entry!.said).toEqual({
			title: `${entry!.teamName}'s free Product generator allowance is now 2,000 tokens a week`,
			body: expect.stringMatching(/^It was no free allowance\. It applies from now on; this window resets /)
		});
		expect(await changes(member.userId)).toEqual([]);
		await setAllowance(db, owner, { ...product('none', 'weekly'), audience: 'team', teamId: team.teamId });
		expect((await told(teamOwner.userId, 'allowance_changed'))[0]!.said).toEqual({
			title: `${entry!.teamName}'s free Product generator allowance has ended`,
			body: `It was 2,000 tokens a week. From now on, Product generator use is paid from ${entry!.teamName}'s pool.`
		});
		await expectInvariants(db);
	});
});

describe(`a new time zone or week start, told to the members whose resets it moves, on ${backend}`, () => {
	/** A member whose free allowance is 500 tokens per the period `own` gives a module, and nothing of any other module (rules of their own). */
	async function memberWith(own: Record<string, 'daily' | 'weekly'>) {
		const u = await makeUser(db, 'resets');
		for (const m of await db.rows<{ key: string }>(sql`select key from modules`)) {
			const period = own[m.key];
			await setAllowanceRule(db.orm, { module: m.key, audience: 'member', userId: u.userId, limitTokens: period ? 500 : 0, period: period ?? 'daily' });
		}
		return u;
	}
	const resetsSaid = async (userId: string) => (await changes(userId)).flatMap((s) => (s && / now reset /.test(s.title) ? [s] : []));
	/** A move's notices not sent yet: the members' and the pools' first batches. */
	const waiting = () => db.rows(sql`select key from scheduled_jobs where name in ('alerts.allowance-resets', 'alerts.pool-allowance-resets') and status = 'scheduled'`);
	/** The schedule's runs once a move's quiet time (RESETS_QUIET_SECONDS) passed: its waiting notices are due. */
	const runAll = async () => {
		await db.rows(sql`update scheduled_jobs set run_at = now() where name in ('alerts.allowance-resets', 'alerts.pool-allowance-resets') and status = 'scheduled'`);
		for (let i = 0; i < 5; i++) await schedule.runDue();
	};

	it('the same settings again tell no one; a new zone tells daily and weekly members once each, not one without a reset, nor a disabled one', async () => {
		const [daily, weekly, both, quiet, gone] = [
			await memberWith({ product: 'daily' }),
			await memberWith({ product: 'weekly' }),
			await memberWith({ product: 'daily', chat: 'weekly' }),
			await memberWith({}),
			await memberWith({ product: 'daily' })
		];
		await db.orm.execute(sql`update users set disabled_at = now() where id = ${gone.userId}::uuid`);
		const was = await getSiteSettings(db.orm);
		const day = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][was.weekStart]!;

		await saveSiteSettings(db, owner, { timeZone: was.timeZone, weekStart: was.weekStart });
		expect(await queued('alerts.allowance-resets', '')).toBe(0);

		const tz = was.timeZone === 'Asia/Tokyo' ? 'America/New_York' : 'Asia/Tokyo';
		// Two admins saving it at once: the second finds it saved, a change of nothing.
		await Promise.all([1, 2].map(() => saveSiteSettings(db, owner, { timeZone: tz })));
		expect(await queued('alerts.allowance-resets', '')).toBe(1);
		const [job] = await db.rows<{ payload: Record<string, unknown> }>(sql`select payload from scheduled_jobs where name = 'alerts.allowance-resets' and status = 'scheduled'`);
		await runAll();
		expect(await resetsSaid(daily.userId)).toEqual([
			{ title: `Your free allowances now reset at 00:00 ${zoneName(tz)}`, body: expect.stringMatching(new RegExp(`^They reset at 00:00 ${escaped(zoneName(was.timeZone))} before\\. The next reset is [A-Z][a-z]{2} \\d{1,2}, \\d{4}, 00:00 `)) }
		]);
		expect((await resetsSaid(weekly.userId)).map((s) => s.title)).toEqual([`Your free allowances now reset on ${day}s at 00:00 ${zoneName(tz)}`]);
		expect(await resetsSaid(both.userId)).toEqual([
			{ title: `Your free allowances now reset at 00:00 ${zoneName(tz)}`, body: expect.stringMatching(new RegExp(`^They reset at 00:00 ${escaped(zoneName(was.timeZone))} before\\. Next resets: daily [^;]+; weekly [^;]+\\.$`)) }
		]);
		expect(await resetsSaid(quiet.userId)).toEqual([]);
		expect(await resetsSaid(gone.userId)).toEqual([]);
		const [entry] = await told(daily.userId, 'allowance_changed');
		expect(entry).toMatchObject({ accountId: daily.accountId, teamName: null, mailed: true });
		expect(await queued('mail.send', `allowance_changed:${(job!.payload as { key: string }).key}:${daily.userId}`)).toBe(1);

		// A batch run again (a process died after its commit) tells no one twice.
		expect(await allowanceResetsJob().run({ db, payload: job!.payload, attempt: 2, saveState: async () => {}, signal: new AbortController().signal })).toBe(0);

		// A new week start moves weekly resets only.
		const next = (was.weekStart + 1) % 7;
		const nextDay = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][next]!;
		await saveSiteSettings(db, owner, { weekStart: next });
		await runAll();
		expect((await resetsSaid(weekly.userId))[0]).toEqual({ title: `Your free weekly allowances now reset on ${nextDay}s`, body: expect.stringMatching(new RegExp(`^They reset on ${day}s before\\. The next reset is `)) });
		expect(await resetsSaid(daily.userId)).toHaveLength(1);
		expect(await resetsSaid(both.userId)).toHaveLength(2);
		await expectInvariants(db);
	});

	it("the console's form saved as it is wakes no member's page; a changed low share wakes them all", async () => {
		const s = await getSiteSettings(db.orm);
		const form = { timeZone: s.timeZone, weekStart: s.weekStart, spendOrder: s.spendOrder, lowSharePercent: s.lowSharePercent, defaultTeamDailyCap: s.defaultTeamDailyCap, defaultMemberDailyCap: s.defaultMemberDailyCap };
		// Another app process: its own connections to the same database (PGlite has one process).
		const other = db.url ? openPostgres(db.url, { max: 1 }) : db;
		const heard: string[] = [];
		const unlisten = await other.listen(CHANGE_CHANNEL, (id) => heard.push(id));
		try {
			// What earlier tests' changes announce is heard first.
			await new Promise((r) => setTimeout(r, 300));
			heard.length = 0;
			await saveSiteSettings(db, owner, form);
			await new Promise((r) => setTimeout(r, 300));
			expect(heard).not.toContain(EVERY_ACCOUNT);
			await saveSiteSettings(db, owner, { ...form, lowSharePercent: s.lowSharePercent === 30 ? 25 : 30 });
			await expect.poll(() => heard.includes(EVERY_ACCOUNT), { timeout: 2000 }).toBe(true);
		} finally {
			await unlisten();
			if (other !== db) await other.close();
			await saveSiteSettings(db, owner, form);
		}
	});

	it('saves in a row within the quiet time are one move, told once from the first zone to the last; going back tells no one', async () => {
		const daily = await memberWith({ product: 'daily' });
		const was = await getSiteSettings(db.orm);
		const [first, second] = was.timeZone === 'Asia/Tokyo' ? ['America/New_York', 'Europe/Berlin'] : ['Asia/Tokyo', was.timeZone === 'Europe/Berlin' ? 'America/New_York' : 'Europe/Berlin'];
		await saveSiteSettings(db, owner, { timeZone: first });
		// Nothing goes out at once: the admin may still be choosing.
		for (let i = 0; i < 3; i++) await schedule.runDue();
		expect(await resetsSaid(daily.userId)).toEqual([]);
		await saveSiteSettings(db, owner, { timeZone: second });
		expect(await waiting()).toHaveLength(2);
		await runAll();
		expect((await resetsSaid(daily.userId)).map((s) => [s.title, s.body.split('. ')[0]])).toEqual([
			[`Your free allowances now reset at 00:00 ${zoneName(second)}`, `They reset at 00:00 ${zoneName(was.timeZone)} before`]
		]);

		// There and back before the notices went: no move, no notice.
		await saveSiteSettings(db, owner, { timeZone: first });
		await saveSiteSettings(db, owner, { timeZone: second });
		expect(await waiting()).toEqual([]);
		await runAll();
		expect(await resetsSaid(daily.userId)).toHaveLength(1);
		await saveSiteSettings(db, owner, { timeZone: was.timeZone });
		await runAll();
		await expectInvariants(db);
	});

	it('says the next reset as it is when the notice goes out: a midnight passed in the quiet minutes is not the next reset', async () => {
		const daily = await memberWith({ product: 'daily' });
		const { team, owner: poolOwner } = await makeTeamWithMember(db, 1_000);
		await setAllowanceRule(db.orm, { module: 'product', audience: 'team', teamId: team.teamId, limitTokens: 500, period: 'daily' });
		const was = await getSiteSettings(db.orm);
		const tz = was.timeZone === 'Asia/Kolkata' ? 'America/Chicago' : 'Asia/Kolkata';
		await saveSiteSettings(db, owner, { timeZone: tz });
		const jobs = await db.rows<{ name: string; payload: Record<string, unknown> }>(sql`
			select name, payload from scheduled_jobs where name in ('alerts.allowance-resets', 'alerts.pool-allowance-resets') and status = 'scheduled'`);
		const payloadOf = (name: string) => jobs.find((j) => j.name === name)!.payload;
		const now = { timeZone: tz, weekStart: was.weekStart };
		const [atSave] = await nextResets(db.orm, now, ['daily'], new Date());
		// Sent a minute after the midnight that was next at the save (the quiet minutes straddled it).
		const sentAt = new Date(Date.parse(atSave!.next) + 60_000);
		const [atSend] = await nextResets(db.orm, now, ['daily'], sentAt);
		expect(Date.parse(atSend!.next)).toBeGreaterThan(Date.parse(atSave!.next));
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(sentAt);
		try {
			const run = { db, attempt: 1, saveState: async () => {}, signal: new AbortController().signal };
			// Each batch in turn (MEMBERS_BATCH, POOLS_BATCH): the members and pools earlier tests made come too, in id order, so
			// this member may be in a later batch, which the one before queued (taken here, to run at the same moment).
			for (const [name, job] of [['alerts.allowance-resets', allowanceResetsJob()], ['alerts.pool-allowance-resets', poolResetsJob()]] as const) {
				for (let payload: Record<string, unknown> | undefined = payloadOf(name); payload; ) {
					await job.run({ ...run, payload });
					[payload] = (await db.rows<{ payload: Record<string, unknown> }>(sql`
						delete from scheduled_jobs where name = ${name} and status = 'scheduled' and payload->>'key' = ${String(payload.key)} and payload->>'after' is not null returning payload`)).map((j) => j.payload);
				}
			}
		} finally {
			vi.useRealTimers();
		}
		const next = `The next reset is ${localeFormatter('en').time(atSend!.next, tz)}.`;
		expect((await resetsSaid(daily.userId)).map((s) => s.body)).toEqual([expect.stringMatching(new RegExp(`${escaped(next)}$`))]);
		const teamName = (await db.rows<{ name: string }>(sql`select name from teams where id = ${team.teamId}::uuid`))[0]!.name;
		const poolSaid = (await told(poolOwner.userId, 'allowance_changed')).filter((e) => e.teamName === teamName && / now reset /.test(e.said?.title ?? '')).map((e) => e.said!.body);
		expect(poolSaid).toEqual([expect.stringMatching(new RegExp(`${escaped(next)}$`))]);
		// Put back within the quiet minutes: the move's jobs are taken back (a batch after the first, due at once, runs now).
		await saveSiteSettings(db, owner, { timeZone: was.timeZone });
		await runAll();
	});

	it('a move the version before queued (its words, or each next reset, written at the save) is told after the upgrade, and a save in its quiet minutes starts from its zone', async () => {
		const daily = await memberWith({ product: 'daily' });
		const { team, owner: poolOwner } = await makeTeamWithMember(db, 1_000);
		await setAllowanceRule(db.orm, { module: 'product', audience: 'team', teamId: team.teamId, limitTokens: 500, period: 'daily' });
		const teamName = (await db.rows<{ name: string }>(sql`select name from teams where id = ${team.teamId}::uuid`))[0]!.name;
		const poolSaid = async () => (await told(poolOwner.userId, 'allowance_changed')).filter((e) => e.teamName === teamName && / now reset /.test(e.said?.title ?? '')).map((e) => e.said!.title);
		const was = await getSiteSettings(db.orm);
		const [first, second] = was.timeZone === 'Asia/Dubai' ? ['Asia/Karachi', 'Asia/Dhaka'] : ['Asia/Dubai', 'Asia/Dhaka'];
		// The older version's payloads, in place of this one's: the members' with their words, the pools' with each next reset.
		const legacy = async (timeZone: string, title: string) => {
			const from = await getSiteSettings(db.orm);
			await saveSiteSettings(db, owner, { timeZone });
			const [next] = await nextResets(db.orm, { timeZone, weekStart: was.weekStart }, ['daily'], new Date());
			for (const job of await db.rows<{ id: string; name: string; payload: { key: string; at: string } }>(sql`
					select id, name, payload from scheduled_jobs where name in ('alerts.allowance-resets', 'alerts.pool-allowance-resets') and status = 'scheduled'`)) {
				const batch = { key: job.payload.key, at: job.payload.at, after: null };
				const payload = job.name === 'alerts.allowance-resets'
					? { ...batch, periods: ['daily'], words: { daily: { title, body: 'Written at the save.' } } }
					: { ...batch, was: { timeZone: from.timeZone, weekStart: from.weekStart }, now: { timeZone, weekStart: was.weekStart }, moved: [{ period: 'daily', next: next!.next }] };
				await db.rows(sql`update scheduled_jobs set payload = ${JSON.stringify(payload)}::jsonb where id = ${job.id}`);
			}
		};

		// Told as queued: the members' words as written, the pools' next reset said when sent.
		await legacy(first, 'Your free allowances now reset as the version before said it');
		await runAll();
		expect((await resetsSaid(daily.userId)).map((s) => [s.title, s.body])).toEqual([['Your free allowances now reset as the version before said it', 'Written at the save.']]);
		expect(await poolSaid()).toEqual([`${teamName}'s free allowances now reset at 00:00 ${zoneName(first)}`]);

		// Saved again within its quiet minutes, back as it was: the waiting move is taken back, and starts from its zone, so no one is told.
		await legacy(second, 'Your free allowances now reset as taken back');
		await saveSiteSettings(db, owner, { timeZone: first });
		await runAll();
		expect((await resetsSaid(daily.userId)).map((s) => s.title)).toEqual(['Your free allowances now reset as the version before said it']);
		expect(await poolSaid()).toEqual([`${teamName}'s free allowances now reset at 00:00 ${zoneName(first)}`]);
		expect(await waiting()).toEqual([]);
		await saveSiteSettings(db, owner, { timeZone: was.timeZone });
		await runAll();
		await expectInvariants(db);
	});

	it("a team pool's owners and admins hear of its moved resets once, by the pool's name; its members and a pool without resets do not", async () => {
		const { team, owner: poolOwner, member } = await makeTeamWithMember(db, 1_000);
		const poolAdmin = await makeUser(db, 'resets');
		await db.orm.insert(teamMembers).values({ teamId: team.teamId, userId: poolAdmin.userId, role: 'admin' });
		await setAllowanceRule(db.orm, { module: 'product', audience: 'team', teamId: team.teamId, limitTokens: 500, period: 'daily' });
		// Unlimited does not reset: nothing to tell its owner.
		const unlimited = await makeTeamWithMember(db, 1_000);
		await setAllowanceRule(db.orm, { module: 'product', audience: 'team', teamId: unlimited.team.teamId, limitTokens: null, period: 'daily' });
		const teamName = async (teamId: string) => (await db.rows<{ name: string }>(sql`select name from teams where id = ${teamId}::uuid`))[0]!.name;
		const name = await teamName(team.teamId);
		const poolSaid = async (userId: string, teamName = name) =>
			(await told(userId, 'allowance_changed')).filter((e) => e.teamName === teamName && / now reset /.test(e.said?.title ?? '')).map((e) => e.said);

		const was = await getSiteSettings(db.orm);
		const tz = was.timeZone === 'Pacific/Auckland' ? 'Europe/Berlin' : 'Pacific/Auckland';
		await saveSiteSettings(db, owner, { timeZone: tz });
		const [job] = await db.rows<{ payload: { key: string } }>(sql`select payload from scheduled_jobs where name = 'alerts.pool-allowance-resets' and status = 'scheduled'`);
		await runAll();
		const words = { title: `${name}'s free allowances now reset at 00:00 ${zoneName(tz)}`, body: expect.stringMatching(new RegExp(`^They reset at 00:00 ${escaped(zoneName(was.timeZone))} before\\. The next reset is [A-Z][a-z]{2} \\d{1,2}, \\d{4}, 00:00 `)) };
		expect(await poolSaid(poolOwner.userId)).toEqual([words]);
		expect(await poolSaid(poolAdmin.userId)).toEqual([words]);
		expect(await poolSaid(member.userId)).toEqual([]);
		expect(await poolSaid(unlimited.owner.userId, await teamName(unlimited.team.teamId))).toEqual([]);
		expect(await queued('mail.send', `allowance_changed:${job!.payload.key}:${team.accountId}:${poolOwner.userId}`)).toBe(1);

		// A batch run again (a process died after its commit) tells no one twice.
		expect(await poolResetsJob().run({ db, payload: job!.payload, attempt: 2, saveState: async () => {}, signal: new AbortController().signal })).toBe(0);
		expect(await poolSaid(poolOwner.userId)).toHaveLength(1);
		await expectInvariants(db);
	});
});
