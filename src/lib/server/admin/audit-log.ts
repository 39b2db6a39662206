import { sql, type SQL } from 'drizzle-orm';
import { ALL_BUT_SESSIONS } from '../../search-text';
import { isUuid, queryRows, type Executor } from '../db/client';
import { cursorRefusal, DomainError } from '../errors';
import { dayRule, isDay } from '../../day-text';
import { listModels, listModules, siteTimeZone } from '../ledger';
import { listSiteRoles } from '../accounts';
import { listProducts } from '../store';
import { decodeCursor, encodeCursor, likePattern } from './cursor';
import type { KeyNamed } from '../../key-named';
import { actorBadge, auditTitle, auditWords, namesNeeded, noNames, type ActorBadge, type AuditEntryFacts, type AuditNames, type AuditWords } from './audit-words';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditQuery {
	/** Who did it: part of a person's name or e-mail, an API key's name or prefix, or Quota's own name as the By line says it (`byWho`). */
	actor?: string | null;
	/** Exact action name, e.g. `balance.adjusted`. */
	action?: string | null;
	/** Whose account it touched: an account id, or part of its name or its user's e-mail. */
	account?: string | null;
	/** Site-local dates (YYYY-MM-DD), both included. */
	from?: string | null;
	to?: string | null;
	cursor?: string | null;
}

export interface AuditRow {
	id: number;
	at: string;
	action: string;
	/** The entry as a site owner reads it (audit-words.ts). */
	words: AuditWords;
	/** Who did it, when a person: `accountId` is their own account, whose page the log links. */
	actor: { userId: string; name: string; email: string | null; accountId: string | null } | null;
	actorKeyId: string | null;
	/** The API key that did it, named as the API keys pages list it (a revoked key too): lib/key-named.ts. */
	actorKey: KeyNamed | null;
	/** Where a person did it, as the words beside their name say ("in the console", "on their account": accounts/audit.ts `actorKind`, audit-words.ts `actorBadge`); null for an API key, Quota itself or someone not signed in. */
	actorKind: ActorBadge | null;
	account: { accountId: string; name: string; kind: string } | null;
	/** The person an entry is about (target type `user`: a member joined, removed, given a role), for a link to their page. */
	user: { userId: string; name: string; email: string | null; accountId: string } | null;
	targetType: string | null;
	targetId: string | null;
	ip: string | null;
	before: unknown;
	after: unknown;
	detail: unknown;
}

/**
 * Chargebacks written before they had an action of their own were `store.purchase_refunded` with
 * cause `chargeback` (the log is append-only, so they stay so): the filter files them under
 * 'Purchase charged back', not 'Purchase refunded', as their titles say.
 */
const CHARGEBACK_AS_REFUND = sql`(g.action = 'store.purchase_refunded' and g.after->>'cause' = 'chargeback')`;

/** The filter's action as the entries it means (`g`: the audit log). */
function actionIs(action: string): SQL {
	if (action === ALL_BUT_SESSIONS) return sql`g.action not in ('auth.signin', 'auth.signout')`;
	if (action === 'store.purchase_charged_back') return sql`(g.action = ${action} or ${CHARGEBACK_AS_REFUND})`;
	if (action === 'store.purchase_refunded') return sql`(g.action = ${action} and g.after->>'cause' is distinct from 'chargeback')`;
	return sql`g.action = ${action}`;
}

/**
 * The audit log newest first by when each entry happened (`at`; ties by id), `AUDIT_PAGE_SIZE` at a
 * time by keyset on (at, id), filtered by actor, action, account and date (`pageSize` rows a page: the
 * export reads bigger pages). Not by id alone: an entry recorded later with an earlier time (the
 * demo's backdated history) belongs where its time puts it. Errors: `invalid_input` for a bad date
 * or cursor (one made before this order included).
 */
export async function listAudit(exec: Executor, q: AuditQuery = {}, pageSize = AUDIT_PAGE_SIZE): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
	const where: SQL[] = [];
	if (q.cursor) {
		const [at, id] = auditCursor(q.cursor);
		where.push(sql`(g.at, g.id) < (${at}::timestamptz, ${id}::bigint)`);
	}
	if (q.action?.trim()) where.push(actionIs(q.action.trim()));
	const actor = q.actor?.trim();
	if (actor) where.push(await byWho(exec, actor));
	const account = q.account?.trim();
	if (account && isUuid(account)) where.push(sql`g.account_id = ${account}::uuid`);
	else if (account) {
		const p = likePattern(account);
		where.push(await oneOf(exec, sql`g.account_id`, sql`select id from accounts where name ilike ${p} union select account_id from users where email ilike ${p}`));
	}
	if (q.from) where.push(sql`g.at >= (${day('from', q.from)}::date::timestamp at time zone ${siteTimeZone})`);
	if (q.to) where.push(sql`g.at < ((${day('to', q.to)}::date + 1)::timestamp at time zone ${siteTimeZone})`);
	const rows = await queryRows<{
		id: number; at: string; at_key: string; action: string; actor_user_id: string | null; actor_name: string | null; actor_email: string | null; actor_account_id: string | null; actor_key_id: string | null;
		account_id: string | null; account_name: string | null; account_kind: string | null; target_type: string | null; target_id: string | null;
		user_name: string | null; user_email: string | null; user_account_id: string | null;
		ip: string | null; before: unknown; after: unknown; detail: unknown; actor_kind: string | null;
		key_name: string | null; key_prefix: string | null; key_revoked: boolean | null;
	}>(exec, sql`
		select g.id, g.at, ${AT_KEY} as at_key, g.action, g.actor_user_id, u.name as actor_name, u.email as actor_email, u.account_id as actor_account_id, g.actor_key_id,
		       g.account_id, a.name as account_name, a.kind as account_kind, g.target_type, g.target_id, host(g.ip) as ip,
		       g.before, g.after, g.detail, t.name as user_name, t.email as user_email, t.account_id as user_account_id, g.actor_kind,
		       k.name as key_name, k.prefix as key_prefix, k.revoked_at is not null as key_revoked
		  from audit_log g
		  left join users u on u.id = g.actor_user_id
		  left join api_keys k on k.id = g.actor_key_id
		  left join accounts a on a.id = g.account_id
		  left join users t on t.id = (case when g.target_type = 'user' then g.target_id::uuid end)
		 ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
		 order by g.at desc, g.id desc
		 limit ${pageSize + 1}`);
	const page = rows.map((r) => ({ ...r, before: parsed(r.before), after: parsed(r.after), detail: parsed(r.detail) })).slice(0, pageSize);
	const facts = page.map((r): AuditEntryFacts => ({ action: r.action, targetType: r.target_type, targetId: r.target_id, before: r.before, after: r.after, detail: r.detail }));
	const names = await auditNames(exec, facts);
	return {
		rows: page.map((r, i) => ({
			id: Number(r.id),
			at: new Date(r.at).toISOString(),
			action: r.action,
			words: auditWords(facts[i]!, names),
			actor: r.actor_user_id ? { userId: r.actor_user_id, name: r.actor_name ?? '(deleted user)', email: r.actor_email, accountId: r.actor_account_id } : null,
			actorKeyId: r.actor_key_id,
			actorKey: r.key_name !== null && r.key_prefix !== null ? { name: r.key_name, prefix: r.key_prefix, revoked: !!r.key_revoked } : null,
			actorKind: actorBadge(r.actor_kind),
			account: r.account_id ? { accountId: r.account_id, name: r.account_name ?? '(unknown account)', kind: r.account_kind ?? 'user' } : null,
			user: r.user_account_id ? { userId: r.target_id!, name: r.user_name!, email: r.user_email, accountId: r.user_account_id } : null,
			targetType: r.target_type,
			targetId: r.target_id,
			ip: r.ip,
			before: r.before,
			after: r.after,
			detail: r.detail
		})),
		nextCursor: rows.length > pageSize ? encodeCursor(page.at(-1)!.at_key, Number(page.at(-1)!.id)) : null
	};
}

/** An entry's time to the microsecond (a JavaScript date keeps milliseconds), in UTC: the cursor's half that pages by time. */
const AT_KEY = sql`to_char(g.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const AT_KEY_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The (at, id) of a cursor listAudit made; anything else (an id-only cursor of before) is `invalid_input`. */
function auditCursor(cursor: string): [string, number] {
	const [at, id] = decodeCursor(cursor);
	if (typeof at === 'string' && AT_KEY_SHAPE.test(at) && !Number.isNaN(Date.parse(at)) && Number.isSafeInteger(id) && (id as number) > 0) return [at, id as number];
	throw cursorRefusal();
}

/**
 * Who, as the log's By line names them: a person by part of their name or e-mail, an API key by part
 * of its name or of its prefix (as shown, "qk_Hm9B40Rt…": a trailing ellipsis is the line's, not the
 * key's), and Quota itself by its line ("Quota (Paddle)", "Quota (demo data)") when the text is part
 * of "Quota" or names it: only then, so a search for a person stays on the indexes.
 */
async function byWho(exec: Executor, text: string): Promise<SQL> {
	const p = likePattern(text);
	const prefix = likePattern(text.replace(/(…|\.\.\.)$/, ''));
	const ways = [
		await oneOf(exec, sql`g.actor_user_id`, sql`select id from users where name ilike ${p} or email ilike ${p}`),
		await oneOf(exec, sql`g.actor_key_id`, sql`select id from api_keys where name ilike ${p} or prefix ilike ${prefix}`)
	];
	const lower = text.toLowerCase();
	if (lower.includes('quota') || 'quota'.includes(lower)) {
		ways.push(sql`(g.actor_user_id is null and g.actor_key_id is null and g.ip is null and ('Quota' || coalesce(' (' || (g.detail->>'via') || ')', '')) ilike ${p})`);
	}
	return sql`(${sql.join(ways, sql` or `)})`;
}

/** Most ids a filter passes to the log's query as values (beyond, it stays a subquery). */
const FILTER_IDS = 500;

/**
 * `column in (…)` for a filter by part of a name or e-mail (`ids`: SQL selecting uuids; trigram
 * indexes of drizzle/0024), with the ids resolved first and written as values when there are at
 * most FILTER_IDS: inside the log's query the planner cannot tell one account from thousands and
 * walks the whole log backwards (255 ms on 200,000 entries) instead of the account's index.
 */
async function oneOf(exec: Executor, column: SQL, ids: SQL): Promise<SQL> {
	const rows = await queryRows<{ id: string }>(exec, sql`${ids} limit ${FILTER_IDS + 1}`);
	if (!rows.length) return sql`false`;
	return rows.length <= FILTER_IDS ? sql`${column} in (${sql.join(rows.map((r) => sql`${r.id}::uuid`), sql`, `)})` : sql`${column} in (${ids})`;
}

/**
 * The names the words of a page of entries read: the site's roles, modules, models and packages
 * each entry names by key (only the lists some entry needs), and the users and teams named by id.
 */
async function auditNames(exec: Executor, entries: AuditEntryFacts[]): Promise<AuditNames> {
	const { lists, ids } = namesNeeded(entries);
	const names = noNames();
	const byKey = (items: { key: string; name: string }[]) => new Map(items.map((i) => [i.key, i.name]));
	if (lists.has('roles')) names.roles = byKey(await listSiteRoles(exec));
	if (lists.has('modules')) names.modules = byKey(await listModules(exec));
	if (lists.has('models')) names.models = byKey(await listModels(exec));
	if (lists.has('products')) names.products = new Map((await listProducts(exec, { activeOnly: false })).map((p) => [p.id, p.name]));
	const uuids = [...ids].filter(isUuid);
	if (uuids.length) {
		const list = sql.join(uuids.map((id) => sql`${id}::uuid`), sql`, `);
		const people = await queryRows<{ id: string; name: string; account_id: string }>(exec, sql`
			select u.id::text, u.name, u.account_id::text from users u where u.id in (${list})
			union all
			select t.id::text, t.name, t.account_id::text from teams t where t.id in (${list})`);
		names.people = new Map(people.map((p) => [p.id, { name: p.name, accountId: p.account_id }]));
	}
	return names;
}

/** Every action the log holds, with its words, for the filter (a loose index scan: one probe per action). */
export async function auditActions(exec: Executor): Promise<{ action: string; title: string }[]> {
	const rows = await queryRows<{ action: string }>(exec, sql`
		with recursive a(action) as (
			(select action from audit_log order by action limit 1)
			union all
			select (select g.action from audit_log g where g.action > a.action order by g.action limit 1) from a where a.action is not null
		)
		select action from a where action is not null
		union
		select 'store.purchase_charged_back' where exists (select 1 from audit_log g where ${CHARGEBACK_AS_REFUND})`);
	return rows.map((r) => ({ action: r.action, title: auditTitle(r.action) })).sort((a, b) => a.title.localeCompare(b.title));
}

function day(field: 'from' | 'to', s: string): string {
	if (!isDay(s)) throw new DomainError('invalid_input', dayRule(field, s));
	return s;
}

/** jsonb arrives parsed from Drizzle on PGlite, and as text from some postgres.js set-ups. */
function parsed(v: unknown): unknown {
	if (typeof v !== 'string') return v;
	try {
		return JSON.parse(v);
	} catch {
		return v;
	}
}
