import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { type World, type Caller, adminWorld } from '../helpers/world';
import { trpcRefusal as refusal } from '../helpers/refusal';
import { configureRates, expectInvariants, makeTeamWithMember, makeUser, outcome } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db';
import { auditLog, allowanceRules, users } from '../../src/lib/server/db/schema';
import { DomainError } from '../../src/lib/server/errors';
import { guestAccountFor } from '../../src/lib/server/accounts';
import { listAudit } from '../../src/lib/server/admin';
import { balances, capsInForce, check, consume, grant, setAllowanceRule, setCap, updateSiteSettings } from '../../src/lib/server/ledger';

// The Limits page's procedures: a module's free allowances saved as one audited change, with what
// the ledger then does, and what happens to windows already open when periods or the time zone change.
let db: Db;
let w: World;
let admin: Caller;

beforeAll(async () => {
	({ db, w, admin } = await adminWorld('10.9.0.2', configureRates));
});
afterAll(async () => db?.close());
beforeEach(async () => {
	await updateSiteSettings(db.orm, { timeZone: 'UTC', weekStart: 1 });
});

const spend = (accountId: string, words: number, now?: Date) =>
	consume(db.orm, { accountId, feature: 'ai_bots', units: words, actor: {}, idempotency: { scope: 'limits-test', key: randomUUID() }, effectiveAt: now });
const chatLimits = async () => (await admin.admin.limits.list()).modules.find((m) => m.module === 'chat')!;
const chat = {
	module: 'chat',
	guest: 100,
	limitType: 'general' as const,
	members: 1000,
	roles: {},
	period: 'daily' as const,
	limitMessage: 'Free chat is used up for today.',
	onExhausted: 'message' as const
};

describe('a module’s limits', () => {
	it('sets a guest limit of 0 and a guest is then refused: it needs an account, not the limit message of tokens they never had', async () => {
		await admin.admin.limits.save({ ...chat, guest: 0, limitMessage: 'Free chat is used up for today.' });
		const guest = await guestAccountFor(db, `g-${randomUUID()}`);
		const refused = await consume(db.orm, { accountId: guest, feature: 'ai_bots', units: 1, actor: {}, idempotency: { scope: 'limits-test', key: randomUUID() } }).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(DomainError);
		expect(refused).toMatchObject({ code: 'feature_disabled', message: 'Chatbot needs an account: sign in or sign up to use it.' });
		await expectInvariants(db);
	});

	it('a module no guest rule names is disabled for guests on the page, in the ledger and in the audit log', async () => {
		// configureRates' product module has no guest rule: the page says None (a guest has no balance), a guest is refused as with 0.
		const product = (await admin.admin.limits.list()).modules.find((m) => m.module === 'product')!;
		expect(product.guest).toBe('none');
		const guest = await guestAccountFor(db, `g-${randomUUID()}`);
		const use = () => consume(db.orm, { accountId: guest, feature: 'search_images', units: 1, actor: {}, idempotency: { scope: 'limits-test', key: randomUUID() } });
		expect(await outcome(use())).toBe('feature_disabled');
		const { name: _name, ...asked } = product;
		const kept = (l: number | null | 'none') => l ?? 'unlimited';
		await admin.admin.limits.save({ ...asked, guest: 1000, members: kept(product.members), roles: Object.fromEntries(Object.entries(product.roles).map(([r, l]) => [r, kept(l)])) });
		expect(await outcome(use())).toBe('ok');
		const [saved] = (await listAudit(db.orm, { action: 'limits.module_saved' })).rows;
		expect(saved!.words.changes.find((c) => c.field === 'Guest limit')).toEqual({ field: 'Guest limit', before: { text: 'None: needs an account' }, after: { figure: 1000 } });
		await expectInvariants(db);
	});

	it('saves guest, general member limit, period, message and exhaustion as one audited change with before and after', async () => {
		const { value: saved } = await admin.admin.limits.save({ ...chat, onExhausted: 'inactive' });
		expect(saved).toMatchObject({ module: 'chat', guest: 100, limitType: 'general', members: 1000, period: 'daily', limitMessage: chat.limitMessage, onExhausted: 'inactive' });
		const [entry] = await db.orm.select().from(auditLog).where(eq(auditLog.action, 'limits.module_saved')).orderBy(desc(auditLog.id)).limit(1);
		expect(entry).toMatchObject({ actorUserId: w.users.siteAdmin.id, targetId: 'chat', after: expect.objectContaining({ members: 1000, onExhausted: 'inactive' }) });
		expect(entry!.before).toMatchObject({ module: 'chat', guest: 0 }); // the first test's guest limit

		const { accountId } = await makeUser(db);
		await spend(accountId, 400); // 1,000 tokens: all of today's allowance
		expect(await outcome(spend(accountId, 1))).toBe('allowance_exhausted');
		expect((await balances(db.orm, accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ used: 1000, limit: 1000, period: 'daily' });
		await expectInvariants(db);
	});

	it('keeps what a user used today when the form is saved with a field per role: a role given the “any other role” limit gets no rule of its own', async () => {
		await admin.admin.limits.save({ ...chat, members: 1000 });
		const { accountId } = await makeUser(db, 'subscriber');
		await spend(accountId, 120); // 300 tokens of today's 1,000
		const left = async () => (await balances(db.orm, accountId)).allowances.find((a) => a.module === 'chat');
		expect(await left()).toMatchObject({ used: 300, limit: 1000 });
		// The Limits form sends every site role, each prefilled with the limit it has now.
		await admin.admin.limits.save({ ...chat, limitType: 'role', roles: { author: 5000, subscriber: 1000 }, members: 1000, limitMessage: 'A new message.' });
		expect(await left()).toMatchObject({ used: 300, limit: 1000 });
		expect((await chatLimits()).roles).not.toHaveProperty('subscriber');
		await expectInvariants(db);
	});

	it('gives each role its own limit, and members of other roles the “any other role” limit', async () => {
		const { value: saved } = await admin.admin.limits.save({ ...chat, limitType: 'role', roles: { author: 5000, editor: 'unlimited' }, members: 200 });
		expect(saved).toMatchObject({ limitType: 'role', roles: { author: 5000, editor: null }, members: 200 });
		const author = await makeUser(db, 'author');
		const other = await makeUser(db, 'contributor');
		expect((await balances(db.orm, author.accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ limit: 5000 });
		expect((await balances(db.orm, other.accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ limit: 200 });
		// The Roles page's list, and a role only a saved rule names still gets its field (by its key).
		expect((await admin.admin.limits.list()).roles).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'subscriber' }), { key: 'editor', name: 'editor' }]));

		// Back to general: the role rules stay (windows may name them) but follow the general limit.
		await admin.admin.limits.save({ ...chat, members: 300 });
		expect((await balances(db.orm, author.accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ limit: 300 });
		expect(await chatLimits()).toMatchObject({ limitType: 'general', members: 300 });
		await expectInvariants(db);
	});

	it('gives a field, by its name, to every role on the Roles page’s list, the moment a role is added there', async () => {
		await admin.admin.roles.save({ key: 'reviewer', name: 'Peer reviewer', description: 'Checks drafts', isNew: true });
		const { roles } = await admin.admin.limits.list();
		expect(roles).toContainEqual({ key: 'reviewer', name: 'Peer reviewer' });
		expect(roles).toContainEqual({ key: 'subscriber', name: expect.any(String) });
		expect(new Set(roles.map((r) => r.key)).size).toBe(roles.length);
		await admin.admin.roles.delete({ key: 'reviewer' });
		expect((await admin.admin.limits.list()).roles.map((r) => r.key)).not.toContain('reviewer');
	});

	it('lets a role whose allowance was set to None be removed from the site: its ended rule gives nothing, and its field goes', async () => {
		await admin.admin.roles.save({ key: 'tester', name: 'Tester', description: 'Tries things', isNew: true });
		await admin.admin.limits.save({ ...chat, limitType: 'role', roles: { tester: 500 }, members: 1000 });
		// Named as the Roles page lists it, not by its key; the list says it beside the role, in the same words, before anyone asks.
		const keptInList = async (key: string) => (await admin.admin.roles.list()).find((r) => r.key === key)!.kept;
		const allowance = 'A free allowance is set for the role “Tester”: set it to None on the Limits page first.';
		expect(await refusal(admin.admin.roles.delete({ key: 'tester' }))).toMatchObject({ domain: 'conflict', message: allowance });
		expect(await keptInList('tester')).toBe(allowance);
		await admin.admin.limits.save({ ...chat, limitType: 'role', roles: { tester: 'none' }, members: 1000 });
		expect(await keptInList('tester')).toBeNull();
		// Held by users, it is named too, the count in words.
		const [one, two] = [await makeUser(db, 'tester'), await makeUser(db, 'tester')];
		expect(await refusal(admin.admin.roles.delete({ key: 'tester' }))).toMatchObject({ domain: 'conflict', message: '2 users have the role “Tester”: give them another role first.' });
		expect(await keptInList('tester')).toBe('2 users have the role “Tester”: give them another role first.');
		await db.orm.update(users).set({ siteRole: 'subscriber' }).where(eq(users.id, two.userId));
		expect(await refusal(admin.admin.roles.delete({ key: 'tester' }))).toMatchObject({ message: '1 user has the role “Tester”: give them another role first.' });
		await db.orm.update(users).set({ siteRole: 'subscriber' }).where(eq(users.id, one.userId));
		expect(await keptInList('tester')).toBeNull();
		// A built-in role is kept, said so, and refused.
		expect(await keptInList('subscriber')).toBe('“subscriber” is built in: the site cannot work without it.');
		expect(await refusal(admin.admin.roles.delete({ key: 'admin' }))).toMatchObject({ domain: 'conflict', message: '“admin” is built in: the site cannot work without it.' });
		await admin.admin.roles.delete({ key: 'tester' });
		expect((await admin.admin.limits.list()).roles.map((r) => r.key)).not.toContain('tester');
	});

	it('stops giving members free tokens at any time, also once they used them: the next use pays from the balance, the used window stays', async () => {
		await admin.admin.limits.save({ ...chat, members: 1000 });
		const { accountId } = await makeUser(db);
		const lot = await grant(db.orm, { accountId, tokens: 5000, source: 'purchase' });
		await spend(accountId, 120); // 300 free tokens of today's 1,000
		const windowsBefore = await db.rows<{ used: number }>(sql`select used from allowance_windows where account_id = ${accountId}::uuid`);
		expect(windowsBefore.map((r) => Number(r.used))).toEqual([300]);

		expect((await admin.admin.limits.save({ ...chat, limitType: 'none', members: null })).value).toMatchObject({ limitType: 'none', members: 'none' });
		expect((await balances(db.orm, accountId)).allowances.find((a) => a.module === 'chat')).toBeUndefined();
		expect(await spend(accountId, 40)).toMatchObject({ cost: 100 });
		const [paid] = await db.rows<{ remaining: number }>(sql`select remaining from lots where id = ${lot.lotId}::uuid`);
		expect(Number(paid!.remaining)).toBe(4900);
		// The window keeps what was used (statements, reports), and the rule is ended, not deleted.
		expect((await db.rows<{ used: number }>(sql`select used from allowance_windows where account_id = ${accountId}::uuid`)).map((r) => Number(r.used))).toEqual([300]);
		const [rule] = await db.orm.select().from(allowanceRules).where(and(eq(allowanceRules.module, 'chat'), eq(allowanceRules.audience, 'user')));
		expect(rule!.endedAt).toBeInstanceOf(Date);
		await expectInvariants(db);

		// Given again the same day: what was used today still counts.
		await admin.admin.limits.save({ ...chat, members: 1000 });
		expect((await balances(db.orm, accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ used: 300, limit: 1000 });
		await expectInvariants(db);
	});

	it('gives one role free tokens while the others pay from their balance: None per role is no free tokens, never “disabled”', async () => {
		await admin.admin.limits.save({ ...chat, limitType: 'role', roles: { subscriber: 1000, author: 'none', admin: 'none' }, members: 'none' });
		const member = await makeUser(db, 'subscriber');
		const author = await makeUser(db, 'author');
		await grant(db.orm, { accountId: author.accountId, tokens: 71_434, source: 'purchase' });
		expect((await balances(db.orm, member.accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ limit: 1000 });
		expect((await balances(db.orm, author.accountId)).allowances.find((a) => a.module === 'chat')).toBeUndefined();
		expect(await check(db.orm, { accountId: author.accountId, feature: 'ai_bots', units: 10 })).toMatchObject({ allowed: true, active: true, remainingAfter: 71_409, allowance: null });
		expect(await spend(author.accountId, 10)).toMatchObject({ cost: 25, remaining: 71_409 });
		expect(await chatLimits()).toMatchObject({ limitType: 'role', members: 'none', roles: { subscriber: 1000 } });
		// None for a role that had no rule, while any other role gets free tokens: its ended rule outranks theirs.
		await admin.admin.limits.save({ ...chat, limitType: 'role', roles: { subscriber: 1000, ghostwriter: 'none' }, members: 2000 });
		const ghost = await makeUser(db, 'ghostwriter');
		const other = await makeUser(db, 'contributor');
		expect((await balances(db.orm, ghost.accountId)).allowances.find((a) => a.module === 'chat')).toBeUndefined();
		expect(await outcome(spend(ghost.accountId, 1))).toBe('insufficient_tokens');
		expect((await balances(db.orm, other.accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ limit: 2000 });
		await expectInvariants(db);
	});

	it('0 is “not available”: the refusal says so, to the role or the account, never that free tokens were used up', async () => {
		await admin.admin.limits.save({ ...chat, limitType: 'none' });
		await admin.admin.limits.save({ ...chat, limitType: 'role', roles: { subscriber: 1000, author: 0, admin: 0 }, members: 0 });
		// The audit entry lists every audience whose rule changed, from None (not "Unlimited"), a role at 0 too.
		const [saved] = (await listAudit(db.orm, { action: 'limits.module_saved' })).rows;
		expect(saved!.words.changes.filter((c) => c.field.startsWith('Limit for ') || c.field.startsWith('User limit'))).toEqual(
			expect.arrayContaining([
				{ field: 'User limit (any other role)', before: { text: 'None: pays from the balance' }, after: { text: 'Not available' } },
				{ field: 'Limit for Member', before: { text: 'None: pays from the balance' }, after: { figure: 1000 } },
				{ field: 'Limit for Admin', before: { text: 'None: pays from the balance' }, after: { text: 'Not available' } }
			])
		);
		const author = await makeUser(db, 'author');
		await grant(db.orm, { accountId: author.accountId, tokens: 500, source: 'purchase' });
		const refused = await spend(author.accountId, 1).catch((e: unknown) => e);
		expect(refused).toMatchObject({ code: 'feature_disabled', message: 'Chatbot: not available to your role.' });
		expect(await check(db.orm, { accountId: author.accountId, feature: 'ai_bots', units: 1 })).toMatchObject({ allowed: false, active: false, code: 'feature_disabled', message: 'Chatbot: not available to your role.' });
		// Not available has no window: nothing resets (the dashboard, the widget, /balance say no reset), while a role that has one keeps it.
		expect((await balances(db.orm, author.accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ limit: 0, message: 'Chatbot: not available to your role.', resetsAt: null });
		const member = await makeUser(db, 'subscriber');
		expect((await balances(db.orm, member.accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ limit: 1000, period: 'daily', resetsAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

		await admin.admin.limits.save({ ...chat, members: 0 });
		const someone = await makeUser(db);
		expect(await spend(someone.accountId, 1).catch((e: unknown) => e)).toMatchObject({ code: 'feature_disabled', message: 'Chatbot: not available to your account.' });
		await expectInvariants(db);
	});

	it('refuses bad input with a clear error and changes nothing', async () => {
		const before = await chatLimits();
		expect(await refusal(admin.admin.limits.save({ ...chat, module: 'no-such-module' }))).toMatchObject({ code: 'NOT_FOUND', domain: 'unknown_module' });
		expect(await refusal(admin.admin.limits.save({ ...chat, guest: -1 }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await refusal(admin.admin.limits.save({ ...chat, limitMessage: '   ' }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await refusal(admin.admin.limits.save({ ...chat, limitType: 'role', roles: { '': 5 } }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await chatLimits()).toEqual(before);
	});

	it('saves unlimited only when it is chosen in so many words: a limit left empty (null) is refused under its field, and nothing changes', async () => {
		await admin.admin.limits.save(chat);
		const before = await chatLimits();
		const refused = (input: object) => admin.admin.limits.save({ ...chat, ...input }).then(() => null, (e: TRPCError) => ({ code: e.code, message: e.message, fieldErrors: (e.cause as DomainError).details }));
		expect(await refused({ members: null })).toEqual({
			code: 'BAD_REQUEST',
			message: 'User limit: Enter a number of tokens (0: not available), or choose Unlimited or None.',
			fieldErrors: { fieldErrors: { members: ['User limit: Enter a number of tokens (0: not available), or choose Unlimited or None.'] } }
		});
		expect(await refused({ guest: null })).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { fieldErrors: { guest: [expect.stringMatching(/^Guest limit: Enter a number/)] } } });
		expect(await refused({ limitType: 'role', roles: { author: null }, members: 5 })).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { fieldErrors: { 'roles.author': [expect.any(String)] } } });
		expect(await refused({ limitType: 'role', roles: { author: 5 }, members: null })).toMatchObject({ message: expect.stringMatching(/^Limit of any other role: /) });
		expect(await chatLimits()).toEqual(before);

		// Chosen: unlimited for every user. Users' limit does not apply to "none", so it may stay empty there.
		expect((await admin.admin.limits.save({ ...chat, members: 'unlimited' })).value).toMatchObject({ limitType: 'general', members: null });
		const { accountId } = await makeUser(db);
		expect((await balances(db.orm, accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ limit: null });
		expect((await admin.admin.limits.save({ ...chat, module: 'bots', limitType: 'none', members: null })).value).toMatchObject({ module: 'bots', limitType: 'none' });
	});
});

describe('windows already open when periods change', () => {
	const openWindows = (accountId: string) =>
		db.rows<{ window_start: string; window_end: string | null; used: number }>(sql`
			select window_start::text, window_end::text, used::int8 as used from allowance_windows
			 where account_id = ${accountId}::uuid and (window_end is null or window_end > now()) order by id`);

	it('a new time zone ends the windows whose start moves, and the next use starts from zero in the new boundaries', async () => {
		await admin.admin.limits.save({ ...chat, members: 1000, limitType: 'general', period: 'daily' });
		const { accountId } = await makeUser(db);
		await spend(accountId, 100); // 250 tokens
		expect(await openWindows(accountId)).toHaveLength(1);
		await admin.admin.settings.update({ timeZone: 'Pacific/Kiritimati' }); // UTC+14: today's midnight moves
		expect(await openWindows(accountId)).toEqual([]);
		expect((await balances(db.orm, accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ used: 0, limit: 1000 });
		await spend(accountId, 4);
		expect(await openWindows(accountId)).toEqual([expect.objectContaining({ used: 10 })]);
		const [entry] = await db.orm.select().from(auditLog).where(eq(auditLog.action, 'site.settings_updated')).orderBy(desc(auditLog.id)).limit(1);
		expect(entry).toMatchObject({ before: expect.objectContaining({ timeZone: 'UTC' }), after: expect.objectContaining({ timeZone: 'Pacific/Kiritimati' }) });
		await expectInvariants(db);
	});

	it('a new week start leaves daily windows open, and a spend order change leaves every window as it is', async () => {
		await admin.admin.limits.save({ ...chat, period: 'daily' });
		const { accountId } = await makeUser(db);
		await spend(accountId, 10);
		const open = await openWindows(accountId);
		await admin.admin.settings.update({ weekStart: 3 });
		await admin.admin.settings.update({ spendOrder: 'balance-first' });
		expect(await openWindows(accountId)).toEqual(open);
		await admin.admin.settings.update({ spendOrder: 'allowance-first' });
	});

	it('a module’s new reset period ends its open windows (one whose start stays, as daily to monthly on the 1st, carries on to its new end); a new limit applies to the open window at once', async () => {
		await admin.admin.limits.save({ ...chat, period: 'daily', members: 1000 });
		const { accountId } = await makeUser(db);
		await spend(accountId, 100);
		await admin.admin.limits.save({ ...chat, period: 'daily', members: 2000 });
		expect(await openWindows(accountId)).toEqual([expect.objectContaining({ used: 250 })]);
		expect((await balances(db.orm, accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ used: 250, limit: 2000 });
		await admin.admin.limits.save({ ...chat, period: 'monthly', members: 2000 });
		// On the 1st of the month today's window starts with the month's: it carries on to the month's end, with its use.
		const [month] = await db.rows<{ first_day: boolean; month_end: string }>(sql`
			select quota_window_start('daily', s.time_zone, s.week_start, now()) = quota_window_start('monthly', s.time_zone, s.week_start, now()) as first_day,
			       quota_window_end('monthly', s.time_zone, s.week_start, now())::text as month_end
			  from site_settings s where s.id = 1`);
		expect(await openWindows(accountId)).toEqual(month!.first_day ? [expect.objectContaining({ used: 250, window_end: month!.month_end })] : []);
		expect((await balances(db.orm, accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ used: month!.first_day ? 250 : 0, period: 'monthly' });
		await expectInvariants(db);
	});
});

describe('the site’s cap defaults', () => {
	const use = (accountId: string, userId: string, feature: string) =>
		consume(db.orm, { accountId, feature, units: 1, actor: { userId }, idempotency: { scope: 'limits-test', key: randomUUID() } });

	it('caps each team member (not the owner) at the member default the Limits page saves, until the team sets their own cap', async () => {
		const { team, owner, member } = await makeTeamWithMember(db, 10_000);

		const saved = await admin.admin.settings.update({ defaultMemberDailyCap: 50 });
		expect(saved.settings.defaultMemberDailyCap).toBe(50);
		expect(await capsInForce(db.orm, team.accountId)).toEqual([{ memberUserId: member.userId, period: 'daily', limitTokens: 50, siteDefault: true }]);

		expect(await outcome(use(team.accountId, member.userId, 'generate_texts'))).toBe('ok'); // 45 of 50
		const refused = await use(team.accountId, member.userId, 'search_images').catch((e: unknown) => e); // 55 > 50
		expect(refused).toMatchObject({ code: 'cap_reached', details: expect.objectContaining({ limit_of: 'member', limit: 50, used: 45 }) });
		for (const f of ['generate_texts', 'search_images', 'generate_texts']) expect(await outcome(use(team.accountId, owner.userId, f))).toBe('ok');

		// The team's own cap for the member replaces the default.
		await setCap(db.orm, { accountId: team.accountId, memberUserId: member.userId, period: 'daily', limitTokens: 200 });
		expect(await capsInForce(db.orm, team.accountId)).toEqual([{ memberUserId: member.userId, period: 'daily', limitTokens: 200, siteDefault: false }]);
		expect(await outcome(use(team.accountId, member.userId, 'search_images'))).toBe('ok');

		await admin.admin.settings.update({ defaultMemberDailyCap: null });
		const [entry] = await db.orm.select().from(auditLog).where(eq(auditLog.action, 'site.settings_updated')).orderBy(desc(auditLog.id)).limit(1);
		expect(entry).toMatchObject({ before: expect.objectContaining({ defaultMemberDailyCap: 50 }), after: expect.objectContaining({ defaultMemberDailyCap: null }) });
		await expectInvariants(db);
	});

	it('refuses a negative or fractional default and changes nothing', async () => {
		const before = (await admin.admin.limits.list()).settings;
		expect(await refusal(admin.admin.settings.update({ defaultMemberDailyCap: -1 }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await refusal(admin.admin.settings.update({ defaultMemberDailyCap: 1.5 }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect((await admin.admin.limits.list()).settings).toEqual(before);
	});
});
