import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows, type Executor } from '../db/client';
import { users } from '../db/schema';
import { DomainError, fieldRefusal } from '../errors';
import { audit, auditedEnd, auditedGrant, lockEnabledAdmins } from '../accounts';
import { allocationsOf, grant, listModels, type EndedLot } from '../ledger';
import { PAID_SOURCES } from '../../lot-end';
import { noticeCredit, type CreditChange } from '../alerts';
import type { AdminActor } from './audited';
import { futureExpiry } from './site-day-end';

export interface Bonus {
	accountId: string;
	tokens: number;
	/** Only this model may spend it; null = general tokens. */
	model?: string | null;
	/** null = never expires. */
	expiresAt?: Date | null;
	/** The site's day `expiresAt` ends, when the admin picked one (SiteDayExpiry): what the key's request names. */
	expiresOn?: string | null;
	note: string;
	/** Made by the admin's device: a double tap or a retried request grants once, whatever the site's zone meanwhile. */
	key: string;
}

/** Spendable tokens in the account's active lots (an unlimited lot holds none: its `remaining` is 0). */
const lotBalance = async (exec: Executor, accountId: string) => (await allocationsOf(exec, accountId)).reduce((n, a) => n + a.remaining, 0);

/**
 * Grants a bonus lot (source `bonus`) with an audit entry of the balance before and after, and the
 * account's people told of it with the note (alerts `noticeCredit`), in one transaction; the key
 * makes it happen once. Errors: `invalid_input` (amount, expiry in the past,
 * no note), `not_found` (account), and the ledger's refusals (e.g. an unknown model).
 */
export function grantBonus(db: Db, actor: AdminActor, b: Bonus): Promise<{ lotId: string; before: number; after: number; replayed: boolean }> {
	const note = checkedNote(b);
	return db.orm.transaction(async (tx) => {
		const [account] = await queryRows(tx, sql`select id from accounts where id = ${b.accountId}::uuid for update`);
		if (!account) throw new DomainError('not_found', 'No such account.');
		const before = await lotBalance(tx, b.accountId);
		const r = await grant(tx, {
			accountId: b.accountId,
			tokens: b.tokens,
			source: 'bonus',
			model: b.model ?? null,
			expiresAt: b.expiresAt ?? null,
			expiresOn: b.expiresOn,
			grantKey: `admin-bonus:${b.key}`,
			note,
			actor: { userId: actor.userId }
		});
		if (!r.created) return { lotId: r.lotId, before, after: before, replayed: true };
		const after = await lotBalance(tx, b.accountId);
		await audit(tx, {
			action: 'bonus.granted',
			actorUserId: actor.userId,
			targetType: 'account',
			targetId: b.accountId,
			accountId: b.accountId,
			ip: actor.ip,
			before: { balance: before },
			after: { balance: after, lotId: r.lotId },
			detail: { key: b.key, tokens: b.tokens, model: b.model ?? null, expiresAt: b.expiresAt?.toISOString() ?? null, note }
		});
		await noticeCredit(tx, { change: { kind: 'site_grant', tokens: b.tokens, expiresAt: b.expiresAt ?? null }, accountId: b.accountId, note, key: r.lotId });
		return { lotId: r.lotId, before, after, replayed: false };
	});
}

export interface UnlimitedGrant {
	accountId: string;
	/** Only this model's use is unlimited; null = every model's. */
	model?: string | null;
	/** null = until ended. */
	expiresAt?: Date | null;
	/** The site's day `expiresAt` ends, when the admin picked one (SiteDayExpiry): what the key's request names. */
	expiresOn?: string | null;
	note: string;
	/** Made by the admin's device: a double tap or a retried request grants once, whatever the site's zone meanwhile. */
	key: string;
}

/**
 * Grants unlimited use (an unlimited lot, source `bonus`: the "Grant a bonus" form's, as its tokens are): spends from it are recorded as uses and
 * take no tokens, for one model or every model, until `expiresAt` or until ended (`endLotNow`).
 * Audited as `unlimited.granted`, and the account's people told of it with the note (alerts
 * `noticeCredit`), in the same transaction; the key makes it happen once.
 * Errors: `invalid_input` (expiry in the past, no note), `not_found` (account), the ledger's (unknown model).
 */
export function grantUnlimited(db: Db, actor: AdminActor, u: UnlimitedGrant): Promise<{ lotId: string; replayed: boolean }> {
	const note = checkedNote(u);
	return db.orm.transaction(async (tx) => {
		const r = await auditedGrant(
			tx,
			{ accountId: u.accountId, tokens: 0, unlimited: true, source: 'bonus', model: u.model ?? null, expiresAt: u.expiresAt ?? null, expiresOn: u.expiresOn, grantKey: `admin-unlimited:${u.key}`, note },
			actor
		);
		if (r.created) {
			await noticeCredit(tx, { change: { kind: 'unlimited_granted', modelName: await modelName(tx, u.model), until: u.expiresAt ?? null }, accountId: u.accountId, note, key: r.lotId });
		}
		return { lotId: r.lotId, replayed: !r.created };
	});
}

/** A model's name as its pages say it ("GPT-5 Nano"); null for no model (every model's). */
async function modelName(exec: Executor, model: string | null | undefined): Promise<string | null> {
	if (!model) return null;
	return (await listModels(exec)).find((m) => m.key === model)?.name ?? model;
}

/**
 * Ends one of an account's lots now, from its page's Lots table: unlimited use (audited `unlimited.ended`)
 * or the tokens left in a lot not paid for (a bonus, a referral's, an admin's: they expire now, audited
 * `lot.ended` with the tokens, on the statement as "Ended by" the admin); the account's people are told
 * of either with the lot's note ("Your unlimited use of … ended", "1,000 tokens ended by the site"), in one transaction; the key (made on the admin's device) makes a double tap end it
 * once. Errors: `not_found` (no such lot on this account), `conflict` (paid for, ended already, or a
 * running job holds some of its tokens).
 */
export function endLotNow(db: Db, actor: AdminActor, e: { accountId: string; lotId: string; key: string }): Promise<EndedLot> {
	return db.orm.transaction(async (tx) => {
		const r = await auditedEnd(
			tx,
			{ lotId: e.lotId, accountId: e.accountId, actor: { userId: actor.userId }, idempotency: { scope: `console:${actor.userId}`, key: e.key }, paidSources: PAID_SOURCES },
			actor
		);
		if (!r.replayed) {
			const change: CreditChange = r.unlimited ? { kind: 'unlimited_ended', modelName: await modelName(tx, r.model) } : { kind: 'tokens_ended', tokens: -r.tokens };
			await noticeCredit(tx, { change, accountId: r.accountId, note: r.note ?? '', key: r.lotId });
		}
		return r;
	});
}

/** A grant's note, trimmed, and its expiry: refused, naming the field, when there is no note or the expiry has passed. */
function checkedNote(g: { note: string; expiresAt?: Date | null }): string {
	const note = g.note.trim();
	if (!note) throw fieldRefusal('note', 'Add a note: it is shown with the lot and kept in the audit log.');
	futureExpiry(g.expiresAt);
	return note;
}

/**
 * Disables a user (they cannot sign in, their sessions and their own API keys stop at once) or
 * enables them again, audited. Errors: `not_found`; `conflict` for disabling yourself or the last
 * enabled site admin.
 */
export function setUserDisabled(db: Db, actor: AdminActor, userId: string, disabled: boolean): Promise<{ userId: string; disabled: boolean }> {
	if (disabled && userId === actor.userId) throw new DomainError('conflict', 'You cannot disable yourself.');
	return db.orm.transaction(async (tx) => {
		const admins = await lockEnabledAdmins(tx);
		const [u] = await tx.select({ accountId: users.accountId, siteRole: users.siteRole, disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId)).for('update');
		if (!u) throw new DomainError('not_found', 'No such user.');
		if ((u.disabledAt !== null) === disabled) return { userId, disabled };
		if (disabled && u.siteRole === 'admin' && !admins.some((id) => id !== userId)) {
			throw new DomainError('conflict', 'The site needs an enabled admin: make someone else admin first.');
		}
		await tx.update(users).set({ disabledAt: disabled ? sql`now()` : null }).where(eq(users.id, userId));
		await audit(tx, {
			action: disabled ? 'user.disabled' : 'user.enabled',
			actorUserId: actor.userId,
			targetType: 'user',
			targetId: userId,
			accountId: u.accountId,
			ip: actor.ip,
			before: { disabled: !disabled },
			after: { disabled }
		});
		return { userId, disabled };
	});
}
