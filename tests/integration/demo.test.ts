import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import type { Db } from '../../src/lib/server/db/client';
import { balances, history, reconcile } from '../../src/lib/server/ledger';
import { isEmpty, seedDemo } from '../../src/lib/server/demo/seed';
import { authenticateApiKey, listSiteRoles } from '../../src/lib/server/accounts';
import { BUILT_IN_ROLES } from '../../src/lib/roles';
import { listAudit } from '../../src/lib/server/admin';
import { referralRules } from '../../src/lib/server/referrals';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await seedDemo(db, { siteKeyValue: 'qk_demo_site_key_for_tests_0123456789' });
}, 300_000);
afterAll(async () => db?.close());

describe(`demo data on ${backend}`, () => {
	it('makes every dashboard meaningful: allocations, unlimited, a team pool, weeks of history', async () => {
		expect(await isEmpty(db)).toBe(false);
		const [maya] = await db.rows<{ account_id: string }>(sql`select account_id from users where email = 'maya@quota.test'`);
		const b = await balances(db.orm, maya!.account_id);
		expect(b.allocations.map((a) => a.model)).toEqual(expect.arrayContaining(['gpt-5-nano', 'text-embedding-3-small', 'claude-sonnet-4-5']));
		expect(b.allocations.find((a) => a.model === 'claude-sonnet-4-5')?.unlimited).toBe(true);
		// This month's use is the history's since the 1st (none yet in the first hours of a month: the seed's history ends now).
		const [month] = await db.rows<{ used: number }>(sql`
			select coalesce(sum(d.tokens), 0)::int8 as used from usage_daily d, site_settings s
			 where s.id = 1 and d.account_id = ${maya!.account_id}::uuid and d.day >= (date_trunc('month', now() at time zone s.time_zone))::date`);
		expect(b.usedThisMonth).toBe(Number(month!.used));
		const h = await history(db.orm, maya!.account_id);
		expect(h.rows).toHaveLength(50);
		expect(h.nextCursor).not.toBeNull();
		const days = await db.rows<{ n: number }>(sql`select count(distinct day)::int as n from usage_daily where account_id = ${maya!.account_id}::uuid`);
		expect(days[0]!.n).toBeGreaterThanOrEqual(20);
		const [team] = await db.rows<{ n: number }>(sql`select count(*)::int as n from team_members`);
		expect(team!.n).toBe(2);
	});

	it('tells nobody of its own set-up: no allowance change notice, and no mail or push queued (a first npm start printed a mail to Leo)', async () => {
		const [told] = await db.rows<{ n: number }>(sql`select count(*)::int as n from notifications where kind = 'allowance_changed'`);
		const queued = await db.rows<{ name: string }>(sql`select name from scheduled_jobs where name in ('alerts.allowance-change', 'alerts.allowance-resets', 'alerts.pool-allowance-resets', 'mail.send', 'push.send')`);
		expect([told!.n, queued]).toEqual([0, []]);
	});

	it('calls the role every sign-up gets "Member", never "Subscriber" (the store sells subscriptions: paid plans)', async () => {
		const roles = await listSiteRoles(db.orm);
		expect(roles.find((r) => r.key === 'subscriber')).toMatchObject({ name: 'Member', users: 1 });
		expect(roles.some((r) => /subscri/i.test(r.name))).toBe(false);
		const [leo] = await db.rows<{ site_role: string }>(sql`select site_role from users where email = 'leo@quota.test'`);
		expect(roles.find((r) => r.key === leo!.site_role)?.name).toBe('Member');
	});

	it('tells one story: everyone joined before their first use and their first tokens, and no lot says "Purchased" without a purchase', async () => {
		const late = await db.rows<{ name: string }>(sql`
			select a.name from accounts a
			 where a.kind in ('user', 'team')
			   and (a.created_at > (select min(d.day)::timestamptz from usage_daily d where d.account_id = a.id)
			     or a.created_at > (select min(l.created_at) from lots l where l.account_id = a.id)
			     or exists (select 1 from users u where u.account_id = a.id and u.created_at > (select min(d.day)::timestamptz from usage_daily d where d.account_id = a.id)))`);
		expect(late).toEqual([]);
		const [joined] = await db.rows<{ n: number }>(sql`select count(*)::int as n from team_members m join teams t on t.id = m.team_id where m.joined_at > (select min(day)::timestamptz from usage_daily d where d.account_id = t.account_id)`);
		expect(joined!.n).toBe(0);
		// A bought lot comes from a completed order (its grant key names the Paddle transaction).
		const [bought] = await db.rows<{ orphans: number }>(sql`
			select count(*) filter (where not exists (select 1 from orders o where o.status <> 'pending' and l.grant_key like 'paddle:' || o.paddle_transaction_id || ':%'))::int as orphans
			  from lots l where l.source in ('purchase', 'subscription')`);
		expect(bought!.orphans).toBe(0);
	});

	it("writes each account's history in the order of its times, so every use's remaining reads down in time (the team's two members too, and Maya's referral bonus of 5 days ago among her uses)", async () => {
		// Entries are numbered in the order they were written: a use written before an earlier one shows
		// a remaining that already counts the later use.
		const [out] = await db.rows<{ n: number; uses: number }>(sql`
			select count(*) filter (where first_entry < prev_entry)::int as n, count(*)::int as uses from (
			  select min(e.id) as first_entry,
			         lag(min(e.id)) over (partition by o.account_id order by o.created_at, min(e.id)) as prev_entry
			    from operations o join entries e on e.operation_id = o.id
			   where o.kind = 'consume' and o.status = 'ok'
			   group by o.id, o.account_id, o.created_at) uses`);
		expect(out!.uses).toBeGreaterThan(500);
		expect(out!.n).toBe(0);
		// Grants have no entries: the referral bonus (5 days ago) adds its tokens to the balance of the
		// operation just before it in time, not to a balance that had none of the later uses yet.
		const [referral] = await db.rows<{ step: number; amount: number }>(sql`
			select (g.balance_after - p.balance_after)::int8 as step, l.amount::int8 as amount
			  from lots l join operations g on g.id = l.operation_id,
			       lateral (select balance_after from operations p
			                 where p.account_id = g.account_id and p.status = 'ok' and p.created_at < g.created_at and p.balance_after is not null
			                 order by p.created_at desc limit 1) p
			 where l.grant_key = 'demo:maya:referral'`);
		expect(Number(referral!.step)).toBe(Number(referral!.amount));
	});

	it("dates the team's audit entries in the demo's history and names the member who joined as a person with their account", async () => {
		const entries = await listAudit(db.orm, { action: 'team.member_joined' });
		expect(entries.rows).toHaveLength(1);
		const [leo] = await db.rows<{ id: string; account_id: string }>(sql`select id, account_id from users where email = 'leo@quota.test'`);
		expect(entries.rows[0]!.user).toEqual({ userId: leo!.id, name: 'Leo Martin', email: 'leo@quota.test', accountId: leo!.account_id });
		expect(JSON.stringify(entries.rows[0]!.after)).not.toContain(leo!.id);
		const [late] = await db.rows<{ n: number; team: number }>(sql`
			select count(*) filter (where g.at > (select min(d.day)::timestamptz from usage_daily d where d.account_id = t.account_id))::int as n, count(*)::int as team
			  from audit_log g join teams t on t.account_id = g.account_id`);
		expect(late!.team).toBe(7); // made, invited, joined, its two grants and its two caps
		expect(late!.n).toBe(0);
		// Its daily limit and Leo's cap (cap.set) were set with its pool, when the month of history began, not when the seed ran.
		const [pool] = await db.rows<{ account_id: string; created_at: string }>(sql`select account_id, created_at from lots where grant_key = 'demo:team:0'`);
		const caps = (await listAudit(db.orm, { action: 'cap.set' })).rows;
		expect(caps.map((r) => ({ account: r.account?.accountId, at: Date.parse(r.at) }))).toEqual(Array(2).fill({ account: pool!.account_id, at: Date.parse(pool!.created_at) }));
	});

	it("credits the demo's roles to Quota (the demo data) as the console records them: the Author role added, Ada made site admin and Maya an Author on their pages", async () => {
		const roles = await listAudit(db.orm, { action: 'role.created' });
		const added = (await listSiteRoles(db.orm)).filter((r) => !BUILT_IN_ROLES.includes(r.key));
		expect(roles.rows.map((r) => ({ targetType: r.targetType, targetId: r.targetId, actor: r.actor, actorKeyId: r.actorKeyId, ip: r.ip, before: r.before, after: r.after, detail: r.detail }))).toEqual(
			added.map((r) => ({ targetType: 'role', targetId: r.key, actor: null, actorKeyId: null, ip: null, before: null, after: { name: r.name, description: r.description }, detail: { via: 'demo data' } }))
		);
		expect(added.map((r) => r.name)).toEqual(['Author']);
		const people = await db.rows<{ id: string; account_id: string; email: string; site_role: string }>(sql`select id, account_id, email, site_role from users order by email`);
		const given = (await listAudit(db.orm, { action: 'user.role_changed' })).rows;
		expect(given.map((r) => r.targetId).sort()).toEqual(people.filter((u) => u.site_role !== 'subscriber').map((u) => u.id).sort());
		for (const u of people.filter((p) => p.site_role !== 'subscriber')) {
			expect(given.find((r) => r.targetId === u.id)).toMatchObject({
				targetType: 'user', actor: null, actorKeyId: null, ip: null, account: { accountId: u.account_id }, user: { email: u.email },
				before: { siteRole: 'subscriber' }, after: { siteRole: u.site_role }, detail: { via: 'demo data' }
			});
		}
		expect(people.map((u) => [u.email, u.site_role])).toEqual([['admin@quota.test', 'admin'], ['leo@quota.test', 'subscriber'], ['maya@quota.test', 'author']]);
	});

	it('lets a site admin account for every entry of a fresh demo: Quota (demo data) did all but what the team\'s members did themselves, and no sign-up is made up for its people', async () => {
		const credited = await db.rows<{ action: string; by: string }>(sql`
			select distinct g.action, coalesce(u.email, g.actor_key_id::text, 'Quota (' || (g.detail->>'via') || ')', 'nobody') as by
			  from audit_log g left join users u on u.id = g.actor_user_id order by 1, 2`);
		expect(credited.filter((r) => r.by !== 'Quota (demo data)')).toEqual([
			{ action: 'team.created', by: 'maya@quota.test' },
			{ action: 'team.invited', by: 'maya@quota.test' },
			{ action: 'team.member_joined', by: 'leo@quota.test' }
		]);
		expect(credited.map((r) => r.action)).not.toContain('auth.signup');
	});

	it('reads every entry of the demo\'s audit log in words, with the names of what it names (no key, id or JSON as a name or a value)', async () => {
		const rows = [];
		for (let cursor: string | null = null; ; ) {
			const page = await listAudit(db.orm, { cursor });
			rows.push(...page.rows);
			if (!(cursor = page.nextCursor)) break;
		}
		expect(rows.length).toBeGreaterThan(30);
		for (const { action, words } of rows) {
			for (const name of [words.title, ...words.lines.map((l) => l.label), ...words.changes.map((c) => c.field)]) expect(name, action).not.toMatch(/[a-z][A-Z]|_|\.[a-z]/);
			for (const v of [...words.lines.map((l) => l.value), ...words.changes.flatMap((c) => [c.before, c.after])])
				if ('text' in v) expect(v.text, action).not.toMatch(/^[[{]|\bnull\b|undefined|\[object/);
		}
		// Names, not keys: Maya's role, the team's member cap linked to Leo's page.
		const role = rows.find((r) => r.action === 'user.role_changed' && r.user?.email === 'maya@quota.test')!;
		expect(role.words.changes).toEqual([{ field: 'Site role', before: { text: 'Member' }, after: { text: 'Author' } }]);
		const cap = rows.find((r) => r.action === 'cap.set' && (r.detail as { memberUserId?: string }).memberUserId)!;
		const [leo] = await db.rows<{ account_id: string }>(sql`select account_id from users where email = 'leo@quota.test'`);
		expect(cap.words.lines[0]).toEqual({ label: 'For', value: { text: 'Leo Martin', account: leo!.account_id } });
	});

	it('has referrals on with the rules Maya’s referral bonus was granted by (2,000 tokens for 15 days)', async () => {
		expect(await referralRules(db.orm)).toMatchObject({ enabled: true, referrerTokens: 2_000, expiresDays: 15 });
		const [lot] = await db.rows<{ amount: number; days: number }>(sql`
			select amount, round(extract(epoch from expires_at - created_at) / 86400) as days from lots where grant_key = 'demo:maya:referral'`);
		expect({ amount: Number(lot!.amount), days: Number(lot!.days) }).toEqual({ amount: 2_000, days: 15 });
	});

	it("credits what the seed itself did to Quota (the demo data), never to a person: the site key, and each lot it granted, recorded as the product records a grant", async () => {
		const site = await authenticateApiKey(db, 'qk_demo_site_key_for_tests_0123456789');
		const keys = await listAudit(db.orm, { action: 'key.created' });
		expect(keys.rows.map((r) => ({ key: r.targetId, actor: r.actor, keyId: r.actorKeyId, ip: r.ip, detail: r.detail }))).toEqual([
			{ key: site.keyId, actor: null, keyId: null, ip: null, detail: { via: 'demo data' } }
		]);
		const lots = await db.rows<{ id: string; account_id: string; amount: number; source: string; unlimited: boolean; created_at: string }>(sql`select id, account_id, amount, source, unlimited, created_at from lots order by id`);
		expect(lots).toHaveLength(7); // Maya's four and her referral bonus, the team's pool and launch bonus
		// Unlimited use (Maya's Claude) is recorded as such: `unlimited.granted`.
		const audited = [...(await listAudit(db.orm, { action: 'ledger.grant' })).rows, ...(await listAudit(db.orm, { action: 'unlimited.granted' })).rows];
		expect(audited.filter((r) => r.action === 'unlimited.granted').map((r) => r.targetId)).toEqual(lots.filter((l) => l.unlimited).map((l) => l.id));
		const grants = new Map(audited.map((r) => [r.targetId, r]));
		expect([...grants.keys()].sort()).toEqual(lots.map((l) => l.id));
		for (const l of lots) {
			const r = grants.get(l.id)!;
			expect(r).toMatchObject({ actor: null, actorKeyId: null, ip: null, detail: { via: 'demo data' }, account: { accountId: l.account_id } });
			expect(r.after).toMatchObject({ tokens: Number(l.amount), source: l.source });
			// Dated as the lot: the grants are part of the demo's backdated history.
			expect(Date.parse(r.at)).toBe(Date.parse(l.created_at));
		}
		// Ada, the site admin, did nothing in the seed: no entry and no operation is hers.
		expect((await listAudit(db.orm, { actor: 'admin@quota.test' })).rows).toEqual([]);
		const [ops] = await db.rows<{ n: number }>(sql`select count(*)::int as n from operations o join users u on u.id = o.actor_user_id where u.email = 'admin@quota.test'`);
		expect(ops!.n).toBe(0);
	});

	it("audits the site's setup as the console's own changes do, credited to Quota (the demo data): settings, modules, models, rates, allowances, team caps, packages", async () => {
		const setup = await db.rows<{ action: string; target_type: string; target_id: string | null; account_id: string | null; actor_user_id: string | null; actor_key_id: string | null; ip: string | null; via: string | null }>(sql`
			select action, target_type, target_id, account_id, actor_user_id, actor_key_id, ip::text, detail->>'via' as via from audit_log
			 where action in ('site.settings_updated', 'rates.module_saved', 'rates.model_saved', 'rates.feature_saved', 'allowance.set', 'cap.set', 'store.product_created', 'store.product_updated')
			 order by id`);
		for (const r of setup) expect(r).toMatchObject({ actor_user_id: null, actor_key_id: null, ip: null, via: 'demo data' });
		const targets = (action: string) => setup.filter((r) => r.action === action).map((r) => r.target_id);
		// The demo keeps the site's default settings: a save of them as they are would record nothing.
		expect(setup.filter((r) => r.action === 'site.settings_updated')).toEqual([]);
		const keysOf = async (table: string, column = 'key') => (await db.rows<{ k: string }>(sql.raw(`select ${column} as k from ${table}`))).map((r) => r.k).sort();
		const features = await keysOf('features');
		expect(targets('rates.module_saved').sort()).toEqual(await keysOf('modules'));
		expect(targets('rates.model_saved').sort()).toEqual(await keysOf('models'));
		expect(targets('rates.feature_saved').sort()).toEqual(features);
		expect(targets('store.product_created').sort()).toEqual(await keysOf('products', 'id'));
		expect(targets('store.product_updated')).toEqual([]);
		const [rules] = await db.rows<{ n: number }>(sql`select count(*)::int as n from allowance_rules`);
		expect(targets('allowance.set')).toHaveLength(rules!.n);
		const [team] = await db.rows<{ account_id: string }>(sql`select account_id from teams where name = 'Acme Studio'`);
		const [caps] = await db.rows<{ n: number }>(sql`select count(*)::int as n from caps`);
		expect(setup.filter((r) => r.action === 'cap.set').map((r) => r.account_id)).toEqual(Array(caps!.n).fill(team!.account_id));
		// As the audit page lists them: by Quota, not by a person.
		const listed = await listAudit(db.orm, { action: 'rates.feature_saved' });
		expect(listed.rows.map((r) => r.actor)).toEqual(features.map(() => null));
		expect((await listAudit(db.orm, { actor: 'admin@quota.test' })).rows).toEqual([]);
	});

	it('creates the demo site key with the configured value', async () => {
		const key = await authenticateApiKey(db, 'qk_demo_site_key_for_tests_0123456789');
		expect(key.kind).toBe('site');
	});

	it('leaves the ledger reconciled (npm run reconcile is clean on the demo)', async () => {
		const report = await reconcile(db.orm);
		expect(report.breaches).toEqual([]);
		expect(report.checked.operations).toBeGreaterThan(500);
	});
});
