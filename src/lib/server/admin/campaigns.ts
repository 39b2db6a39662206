import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows, type Executor } from '../db/client';
import { campaigns, siteRoles, teams } from '../db/schema';
import { DomainError, fieldRefusal } from '../errors';
import { requestHash } from '../idempotency';
import { audit } from '../accounts';
import { noticeCredits, type CreditNotice } from '../alerts';
import { grant, grantedKeys, listModels } from '../ledger';
import type { AdminActor } from './audited';
import { endsDay, futureExpiry } from './site-day-end';

/** Who a campaign gives to: every enabled user, the enabled users of one role, or one team's shared pool. */
export type CampaignAudience = { audience: 'all' } | { audience: 'role'; role: string } | { audience: 'team'; teamId: string };

export type CampaignInput = CampaignAudience & {
	/** Tokens per account reached. */
	tokens: number;
	/** Only this model may spend it; null = general tokens. */
	model?: string | null;
	/** null = never expires. */
	expiresAt?: Date | null;
	/** The site's day `expiresAt` ends, when the admin picked one (SiteDayExpiry): what the key's campaign names. */
	expiresOn?: string | null;
	/** Shown with the lot on the member's dashboard ("Event bonus: <note>") and kept in the audit log. */
	note: string;
	/**
	 * Whether its notices also go by e-mail, to those whose e-mail alerts are on (default true); false: in
	 * their alerts in the app (and a push) only, for a campaign to many users who did not ask for a mail.
	 */
	byEmail?: boolean;
	/** Made by the admin's device: the same campaign sent again is the same campaign, applied once per account. */
	key: string;
};

export interface CampaignView {
	id: string;
	audience: 'all' | 'role' | 'team';
	role: string | null;
	teamId: string | null;
	teamName: string | null;
	tokens: number;
	model: string | null;
	expiresAt: string | null;
	note: string;
	/** Whether its notices also go by e-mail (CampaignInput.byEmail). */
	byEmail: boolean;
	/** Accounts that have the campaign's lot. */
	reached: number;
	createdAt: string;
	createdBy: string;
	/** Null while accounts are still being granted (or a run stopped half-way: apply it again). */
	finishedAt: string | null;
	/** When an admin ended it early (`endCampaign`), and who; null while it runs. */
	endedAt: string | null;
	endedBy: string | null;
}

/** Accounts granted per transaction: a campaign to 100,000 users commits in steps and resumes where it stopped. */
export const CAMPAIGN_BATCH = 500;
export const CAMPAIGNS_PAGE = 50;

/** The grant key of one account's lot: one lot per campaign and account, however often it runs. */
export const campaignGrantKey = (campaignId: string, accountId: string) => `${campaignKeyPrefix(campaignId)}${accountId}`;

/** What every grant key of a campaign starts with: its lots, read together (ledger `lotsUnder`, `grantedUnder`). */
export const campaignKeyPrefix = (campaignId: string) => `campaign:${campaignId}:`;

/**
 * Starts an event bonus (or, sent again with the same key, carries it on) and grants its lot (source
 * `event`) to every account of the audience that does not have it yet, in batches of CAMPAIGN_BATCH
 * accounts per transaction. Accounts that join the audience later get it when the campaign is
 * applied again (`applyCampaign`). Audited: `campaign.created` with what was asked, and
 * `campaign.applied` with the accounts reached before and after.
 * Errors: `invalid_input` (no note, expiry in the past, a role not on the site's list),
 * `not_found` (team), `unknown_model`, `idempotency_key_reused` (same key, another campaign).
 */
export async function startCampaign(db: Db, actor: AdminActor, c: CampaignInput): Promise<CampaignView> {
	const note = c.note.trim();
	if (!note) throw fieldRefusal('note', 'Add a note: members see it with the tokens.');
	futureExpiry(c.expiresAt);
	const role = c.audience === 'role' ? c.role : null;
	const teamId = c.audience === 'team' ? c.teamId : null;
	const byEmail = c.byEmail ?? true;
	// The expiry is compared apart (sameExpiry): a retry names the day, whose instant moves with the site's zone.
	const hash = requestHash(['campaign', c.audience, role, teamId, c.tokens, c.model ?? null, note, byEmail]);
	const id = await db.orm.transaction(async (tx) => {
		if (role && !(await tx.select().from(siteRoles).where(eq(siteRoles.key, role)))[0]) throw new DomainError('invalid_input', `“${role}” is not one of the site's roles.`);
		if (c.model && !(await listModels(tx)).some((m) => m.key === c.model)) throw new DomainError('unknown_model', `Unknown model: ${c.model}`);
		if (teamId && !(await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId)))[0]) throw new DomainError('not_found', 'No such team.');
		// A resubmission racing the first submission finds its row instead of failing on the unique key.
		const [row] = await tx
			.insert(campaigns)
			.values({ createdBy: actor.userId, key: c.key, audience: c.audience, role, teamId, tokens: c.tokens, model: c.model ?? null, expiresAt: c.expiresAt ?? null, note, byEmail })
			.onConflictDoNothing({ target: [campaigns.createdBy, campaigns.key] })
			.returning({ id: campaigns.id });
		if (!row) {
			const [earlier] = await tx.select().from(campaigns).where(and(eq(campaigns.createdBy, actor.userId), eq(campaigns.key, c.key)));
			const same = requestHash(['campaign', earlier!.audience, earlier!.role, earlier!.teamId, earlier!.tokens, earlier!.model, earlier!.note, earlier!.byEmail]);
			if (same !== hash || !sameExpiry(earlier!.expiresAt, c)) throw new DomainError('idempotency_key_reused', 'This campaign key was already used for another campaign.');
			return earlier!.id;
		}
		const detail = { audience: c.audience, role, teamId, tokens: c.tokens, model: c.model ?? null, expiresAt: c.expiresAt?.toISOString() ?? null, note, byEmail, key: c.key };
		await audit(tx, { action: 'campaign.created', actorUserId: actor.userId, targetType: 'campaign', targetId: row.id, ip: actor.ip, before: null, after: detail, detail });
		return row.id;
	});
	return applyCampaign(db, actor, id);
}

/** Whether a campaign's stored expiry is the one `c` asks for: the end of its day in the site's zone then (whatever it is now), or the same instant. */
function sameExpiry(stored: Date | null, c: Pick<CampaignInput, 'expiresAt' | 'expiresOn'>): boolean {
	if (!stored || !c.expiresAt) return !stored && !c.expiresAt;
	return c.expiresOn ? endsDay(stored, c.expiresOn) : stored.getTime() === c.expiresAt.getTime();
}

type Audience = { audience: CampaignAudience['audience']; role: string | null; teamId: string | null };

/** The rows whose `account_id` a campaign to `a` reaches: enabled users (of one role), or one team's pool. */
const audienceRows = (a: Audience) =>
	a.audience === 'team'
		? sql`teams where id = ${a.teamId}::uuid`
		: sql`users where disabled_at is null ${a.audience === 'role' ? sql`and site_role = ${a.role}` : sql``}`;

/** The accounts of a campaign's audience after `after` (account id order), a batch at a time. */
function audienceBatch(exec: Executor, c: Audience, after: string | null, size: number) {
	const from = after ? sql`and account_id > ${after}::uuid` : sql``;
	return queryRows<{ account_id: string }>(exec, sql`select account_id from ${audienceRows(c)} ${from} order by account_id limit ${size}`);
}

/**
 * How many accounts a campaign to `a` reaches if it goes out now: the enabled users (of the role),
 * or 1 for the team's pool (0 when there is no such team or role). The Bonuses page asks the admin
 * to confirm with this count before anything is granted.
 */
export async function campaignReach(exec: Executor, a: CampaignAudience): Promise<number> {
	const audience: Audience = { audience: a.audience, role: a.audience === 'role' ? a.role : null, teamId: a.audience === 'team' ? a.teamId : null };
	const [row] = await queryRows<{ n: number }>(exec, sql`select count(*)::int8 as n from ${audienceRows(audience)}`);
	return Number(row!.n);
}

/**
 * Grants a campaign's lot to every account of its audience that has none yet; safe to run again and
 * concurrently (each account's grant key grants once). Each account granted is told in the same
 * transaction, as for a bonus granted from its page ("1,000 tokens added by the site" with the campaign's
 * note: inbox, push, and mail unless turned off or the campaign is not `byEmail`; alerts `noticeCredits`). Each batch reads the campaign's expiry under its
 * row's lock (held to the batch's count of `reached`, so two runs take turns per batch rather than
 * deadlock), so a lot granted while the expiry changes (`changeCampaignExpiry`) or the campaign ends
 * (`endCampaign`) is one that change then finds. Errors: `not_found` (campaign), `conflict` (it has ended),
 * the ledger's refusals (e.g. `unknown_model`). `batchSize`: accounts per transaction.
 */
export async function applyCampaign(db: Db, actor: AdminActor, campaignId: string, batchSize = CAMPAIGN_BATCH): Promise<CampaignView> {
	const [c] = await db.orm.select().from(campaigns).where(eq(campaigns.id, campaignId));
	if (!c) throw new DomainError('not_found', 'No such campaign.');
	const reachedBefore = c.reached;
	let after: string | null = null;
	for (;;) {
		const done: boolean = await db.orm.transaction(async (tx) => {
			const [now] = await tx.select({ expiresAt: campaigns.expiresAt, endedAt: campaigns.endedAt }).from(campaigns).where(eq(campaigns.id, c.id)).for('no key update');
			if (now!.endedAt) throw new DomainError('conflict', 'This event bonus has ended: it reaches no one else.');
			const batch = await audienceBatch(tx, c, after, batchSize);
			// An account that has its lot is passed over: its grant, under an expiry changed since, would not be the same grant.
			const has = await grantedKeys(tx, batch.map((a) => campaignGrantKey(c.id, a.account_id)));
			const told: CreditNotice[] = [];
			for (const { account_id } of batch) {
				if (has.has(campaignGrantKey(c.id, account_id))) continue;
				const r = await grant(tx, {
					accountId: account_id,
					tokens: c.tokens,
					source: 'event',
					model: c.model,
					expiresAt: now!.expiresAt,
					grantKey: campaignGrantKey(c.id, account_id),
					note: c.note,
					actor: { userId: actor.userId }
				});
				if (r.created) told.push({ change: { kind: 'site_grant', tokens: c.tokens, expiresAt: now!.expiresAt }, accountId: account_id, note: c.note, key: r.lotId, byEmail: c.byEmail });
			}
			await noticeCredits(tx, told);
			if (told.length) await tx.update(campaigns).set({ reached: sql`${campaigns.reached} + ${told.length}` }).where(eq(campaigns.id, c.id));
			after = batch.at(-1)?.account_id ?? after;
			return batch.length < batchSize || c.audience === 'team';
		});
		if (done) break;
	}
	return db.orm.transaction(async (tx) => {
		const [done] = await tx.update(campaigns).set({ finishedAt: sql`now()` }).where(eq(campaigns.id, c.id)).returning({ reached: campaigns.reached });
		await audit(tx, {
			action: 'campaign.applied',
			actorUserId: actor.userId,
			targetType: 'campaign',
			targetId: c.id,
			ip: actor.ip,
			before: { reached: reachedBefore },
			after: { reached: done!.reached },
			detail: { note: c.note }
		});
		return (await listCampaigns(tx, { id: c.id }))[0]!;
	});
}

/** Campaigns newest first (CAMPAIGNS_PAGE of them), or the one with `id`. */
export async function listCampaigns(exec: Executor, q: { id?: string } = {}): Promise<CampaignView[]> {
	const one = q.id ? sql`where c.id = ${q.id}::uuid` : sql``;
	const rows = await queryRows<{
		id: string; audience: CampaignView['audience']; role: string | null; team_id: string | null; team_name: string | null; tokens: number; model: string | null;
		expires_at: string | null; note: string; by_email: boolean; reached: number; created_at: string; created_by: string; finished_at: string | null;
		ended_at: string | null; ended_by: string | null;
	}>(exec, sql`
		select c.id, c.audience, c.role, c.team_id, t.name as team_name, c.tokens, c.model, c.expires_at, c.note, c.by_email, c.reached, c.created_at,
		       u.name as created_by, c.finished_at, c.ended_at, e.name as ended_by
		  from campaigns c join users u on u.id = c.created_by left join teams t on t.id = c.team_id left join users e on e.id = c.ended_by
		  ${one}
		 order by c.created_at desc, c.id desc limit ${CAMPAIGNS_PAGE}`);
	const when = (v: string | null) => (v === null ? null : new Date(v).toISOString());
	return rows.map((r) => ({
		id: r.id,
		audience: r.audience,
		role: r.role,
		teamId: r.team_id,
		teamName: r.team_name,
		tokens: Number(r.tokens),
		model: r.model,
		expiresAt: when(r.expires_at),
		note: r.note,
		byEmail: r.by_email,
		reached: Number(r.reached),
		createdAt: when(r.created_at)!,
		createdBy: r.created_by,
		finishedAt: when(r.finished_at),
		endedAt: when(r.ended_at),
		endedBy: r.ended_by
	}));
}
