import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { freshDb, backend } from '../helpers/db';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { grant, setCap, sweepExpired } from '../../src/lib/server/ledger';
import { makeTeam, makeUser } from '../helpers/ledger';
import { anomalyWords } from '../../src/lib/server/anomalies/words';
import type { AnomalyFigures, AnomalyKind } from '../../src/lib/server/anomalies/rules';
import { subscriptions, webhookEndpoints } from '../../src/lib/server/db/schema';
import { endpointAddress, updateEndpoint } from '../../src/lib/server/webhooks';
import { demoCatalog } from '../../src/lib/server/store/demo-catalog';
import { upsertProduct } from '../../src/lib/server/store/catalog';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

/** Every schema object the app defines, with its full definition: what a start must leave unchanged. */
async function catalog(d: Db) {
	const rows = await d.rows<{ kind: string; name: string; def: string }>(sql`
		select 'function' as kind, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as name,
		       pg_get_functiondef(p.oid) as def
		  from pg_proc p
		 where p.pronamespace = 'public'::regnamespace
		   and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
		union all
		select 'trigger', t.tgname, pg_get_triggerdef(t.oid) from pg_trigger t
		  join pg_class c on c.oid = t.tgrelid where c.relnamespace = 'public'::regnamespace and not t.tgisinternal
		union all
		select 'index', indexname, indexdef from pg_indexes where schemaname = 'public'
		union all
		select 'view', viewname, definition from pg_views where schemaname = 'public'
		union all
		select 'column', table_name || '.' || column_name,
		       concat_ws(' ', data_type, is_nullable, column_default, ordinal_position)
		  from information_schema.columns where table_schema = 'public'
		order by 1, 2`);
	return rows.map((r) => `${r.kind} ${r.name}: ${r.def}`);
}

/** Names of the functions, triggers and views created in the files of drizzle/functions/. */
function sourceObjects() {
	const found: string[] = [];
	for (const file of readdirSync('drizzle/functions')) {
		const text = readFileSync(`drizzle/functions/${file}`, 'utf8');
		for (const m of text.matchAll(/CREATE OR REPLACE (FUNCTION|TRIGGER|VIEW) (\w+)/g)) found.push(`${m[1]!.toLowerCase()} ${m[2]}`);
	}
	return found.sort();
}

describe(`migrations on ${backend}`, () => {
	it('create the schema, and applying them again at the next start changes nothing', async () => {
		const before = await catalog(db);
		expect(before.filter((o) => o.startsWith('function quota_spend('))).toHaveLength(1);
		expect(before.length).toBeGreaterThan(200);
		await db.migrate();
		expect(await catalog(db)).toEqual(before);
	});

	it('keep each SQL function, trigger and view in exactly one source file, and none in a migration', async () => {
		const sources = sourceObjects();
		expect(new Set(sources).size).toBe(sources.length);
		const inDb = (await catalog(db))
			.filter((o) => /^(function|trigger|view) /.test(o))
			.map((o) => o.replace(/[(:].*$/s, ''))
			.sort();
		expect(inDb).toEqual(sources);
		for (const file of readdirSync('drizzle').filter((f) => f.endsWith('.sql'))) {
			expect(readFileSync(`drizzle/${file}`, 'utf8'), file).not.toMatch(/CREATE (OR REPLACE )?(FUNCTION|TRIGGER|VIEW)/i);
		}
	});

	// Only a server has other connections; on PGlite there is no second one to race (CI fails a skip, so no runIf).
	if (backend === 'postgres') it('are applied once when several processes start at the same time', async () => {
		const adminUrl = process.env.TEST_DATABASE_URL!;
		const name = `quota_migrate_${randomBytes(6).toString('hex')}`;
		const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database ${name}`);
		const url = new URL(adminUrl);
		url.pathname = `/${name}`;
		const processes = Array.from({ length: 4 }, () => openPostgres(url.toString(), { max: 1 }));
		try {
			await Promise.all(processes.map((p) => p.migrate()));
			const [applied] = await processes[0]!.rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
			expect(applied!.n).toBe(readdirSync('drizzle').filter((f) => f.endsWith('.sql')).length);
			expect(await catalog(processes[0]!)).toEqual(await catalog(db));
		} finally {
			await Promise.all(processes.map((p) => p.close()));
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	});

	it('show the role every sign-up gets as "Member", unless the site admin named or described it', async () => {
		const [fresh] = await db.rows<{ name: string }>(sql`select name from site_roles where key = 'subscriber'`);
		expect(fresh!.name).toBe('Member');
		// 0026 once more, on the three states a site can be in before it: untouched, renamed, described.
		const rename = readFileSync('drizzle/0026_member_role_name.sql', 'utf8');
		const cases = [
			{ name: 'Subscriber', description: '', after: 'Member' },
			{ name: 'Supporter', description: '', after: 'Supporter' },
			{ name: 'Subscriber', description: 'Pays monthly.', after: 'Subscriber' }
		];
		for (const c of cases) {
			await db.rows(sql`update site_roles set name = ${c.name}, description = ${c.description} where key = 'subscriber'`);
			await db.rows(sql.raw(rename));
			const [row] = await db.rows<{ name: string }>(sql`select name from site_roles where key = 'subscriber'`);
			expect(row!.name, `${c.name} / ${c.description}`).toBe(c.after);
		}
	});

	it("end the caps left on people no longer in the team (0032), and keep its members' and the pool's", async () => {
		const team = await makeTeam(db);
		const [here, gone] = [await makeUser(db), await makeUser(db)];
		await db.rows(sql`insert into team_members (team_id, user_id, role) values (${team.teamId}::uuid, ${here.userId}::uuid, 'member')`);
		for (const member of [here.userId, gone.userId, null]) {
			await setCap(db.orm, { accountId: team.accountId, memberUserId: member, period: 'weekly', limitTokens: 700 });
		}
		await db.rows(sql.raw(readFileSync('drizzle/0032_member_caps_end.sql', 'utf8')));
		const left = await db.rows<{ member_user_id: string | null }>(sql`select member_user_id from caps where account_id = ${team.accountId}::uuid order by member_user_id nulls first`);
		expect(left.map((r) => r.member_user_id)).toEqual([null, here.userId]);
	});

	it('give the entries written before 0035 what their actor was by the rule the log read then, and leave the log append-only', async () => {
		const team = await makeTeam(db);
		const [member, outsider] = [await makeUser(db), await makeUser(db)];
		await db.rows(sql`insert into team_members (team_id, user_id, role) values (${team.teamId}::uuid, ${member.userId}::uuid, 'member')`);
		const before = [
			['a key', { key: randomUUID(), ip: '10.0.0.1' }, 'key'],
			['the schedule', {}, 'system'],
			['not signed in', { ip: '10.0.0.2' }, null],
			['console on own account', { user: member.userId, action: 'balance.adjusted', account: member.accountId }, 'admin'],
			['own account', { user: member.userId, action: 'user.name_changed', account: member.accountId }, 'user'],
			['own team', { user: member.userId, action: 'team.renamed', account: team.accountId }, 'user'],
			['a team not theirs', { user: outsider.userId, action: 'team.renamed', account: team.accountId }, 'admin'],
			['their leaving', { user: outsider.userId, action: 'team.member_left', account: team.accountId }, 'user'],
			['the site', { user: outsider.userId, action: 'key.created' }, 'admin']
		] as const;
		const tag = randomUUID();
		for (const [name, e] of before) {
			const f = e as { key?: string; ip?: string; user?: string; action?: string; account?: string };
			await db.rows(sql`insert into audit_log (action, actor_user_id, actor_key_id, account_id, ip, detail)
				values (${f.action ?? 'ledger.grant'}, ${f.user ?? null}::uuid, ${f.key ?? null}::uuid, ${f.account ?? null}::uuid, ${f.ip ?? null}::inet, ${JSON.stringify({ tag, name })}::jsonb)`);
		}
		// Written with its kind (after 0035): kept as written, though today's rule says otherwise.
		await db.rows(sql`insert into audit_log (action, actor_user_id, account_id, actor_kind, detail)
			values ('team.renamed', ${outsider.userId}::uuid, ${team.accountId}::uuid, 'user', ${JSON.stringify({ tag, name: 'written with it' })}::jsonb)`);
		for (const statement of readFileSync('drizzle/0035_audit_log_actor_kind.sql', 'utf8').split('--> statement-breakpoint')) await db.rows(sql.raw(statement));
		const rows = await db.rows<{ name: string; actor_kind: string | null }>(sql`select detail->>'name' as name, actor_kind from audit_log where detail->>'tag' = ${tag} order by id`);
		expect(rows.map((r) => [r.name, r.actor_kind])).toEqual([...before.map(([name, , kind]) => [name, kind]), ['written with it', 'user']]);
		// Its triggers are on again: an entry cannot be changed.
		await expect(db.rows(sql`update audit_log set actor_kind = 'admin' where detail->>'tag' = ${tag}`)).rejects.toThrow();
	});

	it("rewrite the unusual-use notices stored before eca5afa in 0037's words, and leave the others as they are", async () => {
		const u = await makeUser(db);
		const who = { teamName: null, keyName: null };
		// The words of the day, with the figures that made them.
		const stored: [AnomalyKind, AnomalyFigures, string][] = [
			['spike', { lastHour: 21_796, baseline: 10, left: 1 }, '21,796 tokens in the last hour; usually 10 at this hour. At this pace the 1 token left last about 1 minutes.'],
			['depletion', { lastHour: 600, baseline: 0, left: 400, firstUse: true }, "At the last hour's pace (600 tokens an hour) the 400 tokens left last about 40 minutes. There is no earlier use of this account to compare it with."],
			['depletion', { lastHour: 100, baseline: 20, left: 250 }, "At the last hour's pace (100 tokens an hour) the 250 tokens left last about 2.5 hours; usually 20 an hour at this time."],
			// Written in today's words: kept.
			['depletion', { lastHour: 21_796, baseline: 0, left: 1, firstUse: true }, anomalyWords('depletion', { lastHour: 21_796, baseline: 0, left: 1, firstUse: true }, who).body]
		];
		const tag = randomUUID();
		const insert = (kind: string, i: number, detail: object) =>
			db.rows(sql`insert into notifications (account_id, user_id, kind, dedupe_key, detail)
				values (${u.accountId}::uuid, ${u.userId}::uuid, ${kind}, ${`${tag}:${i}`}, ${JSON.stringify({ ...detail, tag })}::jsonb)`);
		for (const [i, [anomaly, figures, body]] of stored.entries()) await insert('anomaly', i, { anomaly, figures, title: anomalyWords(anomaly, figures, who).title, body });
		// Another kind of notice with such words is not this generator's.
		await insert('balance.low', stored.length, { body: 'the 5 tokens left last about 1 minutes' });

		await db.rows(sql.raw(readFileSync('drizzle/0037_anomaly_notice_words.sql', 'utf8')));
		const rows = await db.rows<{ body: string }>(sql`select detail->>'body' as body from notifications where detail->>'tag' = ${tag} order by dedupe_key`);
		// 0037 writes the words of its day; later changes of the generator (9464af0: which tokens "left" counts) rewrite nothing stored.
		expect(rows.map((r) => r.body)).toEqual([
			'21,796 tokens in the last hour; usually 10 at this hour. At this pace the 1 token left then would last about 1 minute.',
			"At the last hour's pace (600 tokens an hour) the 400 tokens left then would last about 40 minutes. There is no earlier use of this account to compare it with.",
			"At the last hour's pace (100 tokens an hour) the 250 tokens left then would last about 2.5 hours; usually 20 an hour at this time.",
			stored[3]![2],
			'the 5 tokens left last about 1 minutes'
		]);
		expect(rows[0]!.body).toContain('the 1 token left then would last about 1 minute.');
	});

	it('leave the unusual-use flags opened before 0039 without a kept cap suggestion, so their alerts work one out when looked at', async () => {
		const u = await makeUser(db);
		await db.rows(sql`alter table anomaly_flags drop column suggested_daily_cap, drop column cap_suggestion_kept`);
		const [before] = await db.rows<{ id: number }>(sql`
			insert into anomaly_flags (account_id, kind, episode, figures) values (${u.accountId}::uuid, 'spike', 'fast_use', '{"lastHour": 2000, "baseline": 100}'::jsonb) returning id`);
		for (const statement of readFileSync('drizzle/0039_anomaly_cap_suggestion.sql', 'utf8').split('--> statement-breakpoint')) await db.rows(sql.raw(statement));
		const [row] = await db.rows<{ suggested: number | null; kept: boolean }>(sql`
			select suggested_daily_cap as suggested, cap_suggestion_kept as kept from anomaly_flags where id = ${before!.id}`);
		expect(row).toEqual({ suggested: null, kept: false });
	});

	it("0040 gives a running subscription with no next billing date (its cancel scheduled before) the period's end as when it ends, so its cancel is not announced again", async () => {
		const u = await makeUser(db);
		const product = demoCatalog.find((p) => p.billingInterval)!;
		await upsertProduct(db.orm, product);
		const end = new Date('2027-01-04T10:00:00.000Z');
		const rows: [string, Date | null][] = [['active', null], ['past_due', null], ['active', end], ['canceled', null], ['paused', null]];
		const tag = randomUUID();
		for (const [i, [status, next]] of rows.entries()) {
			await db.orm.insert(subscriptions).values({ accountId: u.accountId, productId: product.id, paddleSubscriptionId: `sub_${tag}_${i}`, status, currentPeriodEnd: end, nextBilledAt: next, lastEventAt: new Date() });
		}
		const [, backfill] = readFileSync('drizzle/0040_subscription_cancels_at.sql', 'utf8').split('--> statement-breakpoint');
		await db.rows(sql.raw(backfill!));
		const after = await db.orm.select().from(subscriptions).where(eq(subscriptions.accountId, u.accountId)).orderBy(subscriptions.paddleSubscriptionId);
		expect(after.map((s) => [s.status, s.cancelsAt?.toISOString() ?? null])).toEqual([
			['active', end.toISOString()],
			['past_due', end.toISOString()],
			['active', null],
			['canceled', null],
			['paused', null]
		]);
	});

	it('0042 gives each webhook endpoint its address as the app computes it; of two at one address the oldest enabled keeps it, the other is turned off, says why, and is audited', async () => {
		const at = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 12, minutes));
		const endpoint = (url: string, createdAt: Date, more: Partial<typeof webhookEndpoints.$inferInsert> = {}) => ({ url, createdAt, secret: 'whsec_x', eventTypes: ['grant.created'], ...more });
		const rows = await db.orm
			.insert(webhookEndpoints)
			.values([
				endpoint('https://hooks.example.com/m42', at(1), { description: 'Orders' }),
				endpoint('https://HOOKS.example.com:443/m42/', at(2), { eventTypes: ['purchase.completed'] }),
				endpoint('https://hooks.example.com/m42#old', at(0), { enabled: false, disabledReason: 'Turned off by an admin.', disabledAt: at(0) }),
				endpoint('http://hooks.example.com/m42', at(3)),
				endpoint('https://other.example.com:8443/p/?x=1', at(4)),
				endpoint('http://other.example.com:80', at(5))
			])
			.returning();
		const [, backfill] = readFileSync('drizzle/0042_webhook_endpoint_address.sql', 'utf8').split('--> statement-breakpoint');
		await db.rows(sql.raw(backfill!));
		const after = await db.orm.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, rows.map((r) => r.id)));
		const byUrl = new Map(after.map((e) => [e.url, e]));
		const kept = ['https://hooks.example.com/m42', 'http://hooks.example.com/m42', 'https://other.example.com:8443/p/?x=1', 'http://other.example.com:80'];
		// The same address as the app gives a URL it stores (endpointAddress), so the unique index holds the app's rule.
		for (const url of kept) expect({ url, address: byUrl.get(url)!.address, enabled: byUrl.get(url)!.enabled }).toEqual({ url, address: endpointAddress(url), enabled: true });
		const words = 'The endpoint “Orders” (https://hooks.example.com/m42) has this URL: this one got every event a second time, so it was turned off. Delete it, or give it another URL.';
		const twin = byUrl.get('https://HOOKS.example.com:443/m42/')!;
		expect({ enabled: twin.enabled, address: twin.address, reason: twin.disabledReason }).toEqual({ enabled: false, address: null, reason: words });
		const old = byUrl.get('https://hooks.example.com/m42#old')!;
		expect({ enabled: old.enabled, address: old.address, reason: old.disabledReason }).toEqual({ enabled: false, address: null, reason: 'Turned off by an admin.' });
		const audited = await db.rows<{ target_id: string; actor_kind: string; detail: Record<string, unknown> }>(sql`select target_id, actor_kind, detail from audit_log where action = 'webhook_endpoint.disabled' and target_id in (${twin.id}, ${old.id})`);
		expect(audited).toEqual([{ target_id: twin.id, actor_kind: 'system', detail: { url: twin.url, reason: words, kept_endpoint_id: byUrl.get('https://hooks.example.com/m42')!.id } }]);

		// The one turned off can be renamed; turned on at that URL it is refused, naming the endpoint that has it.
		await expect(updateEndpoint(db, twin.id, { description: 'Orders, twice' }, { ip: null })).resolves.toMatchObject({ enabled: false, description: 'Orders, twice' });
		await expect(updateEndpoint(db, twin.id, { enabled: true }, { ip: null })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/^The endpoint “Orders” \(https:\/\/hooks\.example\.com\/m42\) has this URL already/) });
		await expect(updateEndpoint(db, twin.id, { enabled: true, url: 'https://hooks.example.com/m42-purchases' }, { ip: null })).resolves.toMatchObject({ enabled: true });
		await db.orm.delete(webhookEndpoints).where(inArray(webhookEndpoints.id, rows.map((r) => r.id)));
	});

	it("0050 names each guest's account by its guest id, as new ones are named, and leaves other accounts' names as they are", async () => {
		const [guest] = await db.rows<{ id: string }>(sql`insert into accounts (kind, name) values ('guest', 'Guest') returning id`);
		await db.rows(sql`insert into guests (id, account_id) values (${'g_' + randomUUID().slice(0, 8)}, ${guest!.id}::uuid)`);
		const member = await makeUser(db);
		const before = await db.rows<{ name: string }>(sql`select name from accounts where id = ${member.accountId}::uuid`);
		await db.rows(sql.raw(readFileSync('drizzle/0050_guest_accounts_named_by_id.sql', 'utf8')));
		const [named] = await db.rows<{ name: string; guest_id: string }>(sql`
			select a.name, g.id as guest_id from accounts a join guests g on g.account_id = a.id where a.id = ${guest!.id}::uuid`);
		expect(named!.name).toBe(`Guest ${named!.guest_id}`);
		expect(await db.rows(sql`select name from accounts where id = ${member.accountId}::uuid`)).toEqual(before);
	});

	it("0055 labels unlimited use granted from the bonus form a bonus, and leaves other admins' lots (a seeded unlimited allocation, an adjustment) as they are", async () => {
		const member = await makeUser(db);
		const lot = (unlimited: boolean, key: string) =>
			db.rows<{ id: string }>(sql`insert into lots (account_id, amount, remaining, source, unlimited, grant_key) values (${member.accountId}::uuid, 0, 0, 'admin', ${unlimited}, ${key}) returning id`);
		const [form] = await lot(true, `admin-unlimited:${randomUUID()}`);
		const [seeded] = await lot(true, `demo:${randomUUID()}`);
		const [adjusted] = await lot(false, `admin-unlimited-look-alike:${randomUUID()}`);
		await db.rows(sql.raw(readFileSync('drizzle/0055_unlimited_bonus_is_a_bonus.sql', 'utf8')));
		const sources = await db.rows<{ id: string; source: string }>(sql`select id, source from lots where account_id = ${member.accountId}::uuid`);
		expect(Object.fromEntries(sources.map((r) => [r.id, r.source]))).toEqual({ [form!.id]: 'bonus', [seeded!.id]: 'admin', [adjusted!.id]: 'admin' });
	});

	it('0065 counts what each lot announced as expired before it had lost as told, and leaves lots not announced yet to tell all', async () => {
		const member = await makeUser(db);
		const bonus = (tokens: number) => grant(db.orm, { accountId: member.accountId, tokens, source: 'bonus', expiresAt: new Date(Date.now() + 500) });
		const [announced, unannounced] = [await bonus(100), await bonus(50)];
		const running = await grant(db.orm, { accountId: member.accountId, tokens: 10, source: 'purchase' });
		await new Promise((r) => setTimeout(r, 600));
		await sweepExpired(db);
		// As before 0065: no count yet; the second lot's expiry recorded but not announced.
		await db.rows(sql`update lots set expiry_announced_tokens = null, expiry_announced_at = case when id = ${unannounced.lotId}::uuid then null else expiry_announced_at end
			where account_id = ${member.accountId}::uuid`);
		const [, backfill] = readFileSync('drizzle/0065_lot_expiry_announced_tokens.sql', 'utf8').split('--> statement-breakpoint');
		await db.rows(sql.raw(backfill!));
		const told = await db.rows<{ id: string; told: number | null }>(sql`select id, expiry_announced_tokens as told from lots where account_id = ${member.accountId}::uuid`);
		expect(Object.fromEntries(told.map((r) => [r.id, r.told]))).toEqual({ [announced.lotId]: 100, [unannounced.lotId]: null, [running.lotId]: null });
	});

	it('reads token amounts back as numbers on this driver', async () => {
		const [row] = await db.rows<{ n: number }>(sql`select 9007199254740991::int8 as n`);
		expect(row!.n).toBe(Number.MAX_SAFE_INTEGER);
	});
});
