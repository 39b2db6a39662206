import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import type { Executor } from '../db/client';
import { campaigns } from '../db/schema';
import { DomainError } from '../errors';
import { audit } from '../accounts';
import { noticeCredits, type CreditNotice } from '../alerts';
import { changeLotExpiry, endLot, grantedUnder, lotsUnder, type GrantedUnder } from '../ledger';
import { PAID_SOURCES } from '../../lot-end';
import type { AdminActor } from './audited';
import { CAMPAIGN_BATCH, campaignKeyPrefix, listCampaigns, type CampaignView } from './campaigns';
import { futureExpiry } from './site-day-end';

/** What became of a campaign's tokens (ledger `grantedUnder` of its lots), in tokens. */
export type CampaignFigures = GrantedUnder;

/** The figures of campaign `id`'s lots: granted, used, left, expired. Errors: `not_found`. */
export async function campaignFigures(exec: Executor, id: string): Promise<CampaignFigures> {
	await campaignRow(exec, id);
	return grantedUnder(exec, campaignKeyPrefix(id));
}

export interface CampaignEnd {
	campaign: CampaignView;
	/** Accounts whose lot ended now, and the unspent tokens that expired with them. */
	accounts: number;
	tokens: number;
	/** Lots left counting because a running job holds some of their tokens: ending again once it is done ends them. */
	held: number;
}

/**
 * Ends an event bonus now: it grants no more (Apply to new members is refused), and every account's lot of
 * it that still counts ends through the ledger's own end (`endLot`, quota_end_lot: what is left expires now,
 * an `expire` operation and entry with the admin as actor, "Ended · by …" on the statement, `lot.expired`
 * with `ended: true`), CAMPAIGN_BATCH lots per transaction, so 100,000 accounts commit in steps and a run
 * that stopped carries on when sent again; each account's people are told in the same transaction, as for
 * one lot ended from its account's page ("1,000 tokens ended by the site" with the campaign's note, alerts
 * `noticeCredits`, by e-mail too if the campaign is `byEmail`; a lot with nothing left tells no one). A lot a running job holds tokens of is left (counted in `held`).
 * Ending again ends only what is left and changes nothing else. Audited `campaign.ended` with the accounts
 * and tokens, when anything ended. Errors: `not_found`.
 */
export async function endCampaign(db: Db, actor: AdminActor, id: string, batchSize = CAMPAIGN_BATCH): Promise<CampaignEnd> {
	const { endedAt: endedBefore, note, byEmail } = await db.orm.transaction(async (tx) => {
		const c = await campaignRow(tx, id, true);
		if (!c.endedAt) await tx.update(campaigns).set({ endedAt: sql`now()`, endedBy: actor.userId }).where(eq(campaigns.id, id));
		return c;
	});
	let [after, accounts, tokens, held] = [null as string | null, 0, 0, 0];
	for (;;) {
		const batch = await db.orm.transaction(async (tx) => {
			const lots = await lotsUnder(tx, campaignKeyPrefix(id), after, batchSize);
			const told: CreditNotice[] = [];
			for (const lot of lots) {
				try {
					const r = await endLot(tx, { lotId: lot.id, accountId: lot.accountId, actor: { userId: actor.userId }, paidSources: PAID_SOURCES });
					[accounts, tokens] = [accounts + 1, tokens + r.tokens];
					told.push({ change: { kind: 'tokens_ended', tokens: -r.tokens }, accountId: lot.accountId, note, key: lot.id, byEmail });
				} catch (e) {
					// quota_end_lot refuses with an answer, not an SQL error: the transaction goes on with the next lot.
					if (!(e instanceof DomainError && e.code === 'conflict')) throw e;
					held++;
				}
			}
			await noticeCredits(tx, told);
			return lots;
		});
		after = batch.at(-1)?.id ?? after;
		if (batch.length < batchSize) break;
	}
	return db.orm.transaction(async (tx) => {
		const [c] = await listCampaigns(tx, { id });
		if (!endedBefore || accounts) {
			await audit(tx, {
				action: 'campaign.ended',
				actorUserId: actor.userId,
				targetType: 'campaign',
				targetId: id,
				ip: actor.ip,
				before: { endedAt: endedBefore?.toISOString() ?? null },
				after: { endedAt: c!.endedAt },
				detail: { note: c!.note, accounts, tokens, held }
			});
		}
		return { campaign: c!, accounts, tokens, held };
	});
}

export interface CampaignExpiryChange {
	campaign: CampaignView;
	/** Accounts whose lot took the new expiry now (a lot spent to 0 too; an ended one keeps its end). */
	accounts: number;
}

/**
 * Changes an event bonus's expiry, later or earlier (null: never expires): the campaign's, which
 * accounts reached later get, and that of every lot of it that still counts (ledger `changeLotExpiry`),
 * CAMPAIGN_BATCH lots per transaction; sent again it finishes a run that stopped. Each account with
 * tokens left in its lot is told, in the same transaction ("Your 1,000 bonus tokens now expire …" with
 * the campaign's note, alerts `noticeCredits`, by e-mail too if it is `byEmail`; once per lot and expiry). Audited
 * `campaign.expiry_changed` with the expiry before and after and the accounts, when anything changed.
 * Errors: `not_found`, `conflict` (the campaign has ended), `invalid_input` (an expiry that has passed, on `expiresOn`).
 */
export async function changeCampaignExpiry(db: Db, actor: AdminActor, id: string, expiresAt: Date | null, batchSize = CAMPAIGN_BATCH): Promise<CampaignExpiryChange> {
	futureExpiry(expiresAt);
	const { expiresAt: before, note, byEmail } = await db.orm.transaction(async (tx) => {
		const c = await campaignRow(tx, id, true);
		if (c.endedAt) throw new DomainError('conflict', 'This event bonus has ended: its expiry no longer changes.');
		await tx.update(campaigns).set({ expiresAt }).where(eq(campaigns.id, id));
		return c;
	});
	let [after, accounts] = [null as string | null, 0];
	for (;;) {
		const batch = await db.orm.transaction(async (tx) => {
			const lots = await lotsUnder(tx, campaignKeyPrefix(id), after, batchSize);
			const changed = await changeLotExpiry(tx, lots.map((l) => l.id), expiresAt);
			accounts += changed.accountIds.length;
			const when = expiresAt?.toISOString() ?? 'never';
			await noticeCredits(tx, changed.lots.map((l) => ({ change: { kind: 'expiry_changed', tokens: l.remaining, expiresAt }, accountId: l.accountId, note, key: `${l.lotId}:${when}`, byEmail })));
			return lots;
		});
		after = batch.at(-1)?.id ?? after;
		if (batch.length < batchSize) break;
	}
	return db.orm.transaction(async (tx) => {
		const [c] = await listCampaigns(tx, { id });
		if (accounts || before?.getTime() !== expiresAt?.getTime()) {
			await audit(tx, {
				action: 'campaign.expiry_changed',
				actorUserId: actor.userId,
				targetType: 'campaign',
				targetId: id,
				ip: actor.ip,
				before: { expiresAt: before?.toISOString() ?? null },
				after: { expiresAt: expiresAt?.toISOString() ?? null },
				detail: { note: c!.note, accounts }
			});
		}
		return { campaign: c!, accounts };
	});
}

/** The campaign's row (locked against other changes with `lock`). Errors: `not_found`. */
async function campaignRow(exec: Executor, id: string, lock = false) {
	const q = exec.select().from(campaigns).where(eq(campaigns.id, id));
	const [c] = await (lock ? q.for('update') : q);
	if (!c) throw new DomainError('not_found', 'No such campaign.');
	return c;
}
