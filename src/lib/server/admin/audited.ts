import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../db';
import type { Executor } from '../db/client';
import { audit, creditTo, type AuditAction, type SetupActor } from '../accounts';

/** The site admin making a change, as the audit log records them (a person: their user and address). */
export type AdminActor = Extract<SetupActor, { userId: string }>;

export type { SetupActor };

export interface AuditedChange {
	/** What the change is, e.g. `rates.feature_saved`. */
	action: AuditAction;
	targetType: string;
	targetId: string | null;
	accountId?: string | null;
	/** What the admin asked for. */
	detail: object;
	/** Reads the state before the change (in the same transaction), for the audit's `before`. */
	before?: (tx: Executor) => Promise<unknown>;
	/** Reads the state after the change (in the same transaction), for the audit's `after`; default: what the change returns. */
	after?: (tx: Executor) => Promise<unknown>;
	/** When the change happened, for history loaded after the fact (the demo's backdated team); default: now. */
	at?: Date;
}

/** Runs one admin change and its audit entry in one transaction: both commit, or neither. `change` gets the state `what.before` read. */
export function auditedChange<T>(db: Db, actor: SetupActor, what: AuditedChange, change: (tx: Executor, before: unknown) => Promise<T>): Promise<T> {
	return db.orm.transaction(async (tx) => {
		const before = what.before ? await what.before(tx) : null;
		const result = await change(tx, before);
		await recordChange(tx, actor, { ...what, before, after: (what.after ? await what.after(tx) : result) ?? null });
		return result;
	});
}

/** A save's answer: what is stored now (`value`), and whether the save changed it (false: it was so already, and nothing was recorded). */
export interface Saved<T> {
	value: T;
	changed: boolean;
}

/** The same state read twice: compared as JSON stores it (a Date as its instant, no undefined fields). */
const sameState = (a: unknown, b: unknown): boolean => isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));

/**
 * A save of a form that sends every field (a feature, a module's limits, the referral rules), run as
 * `auditedChange` runs a change, except that a save which leaves what `what.before` reads as it was writes
 * no audit entry: the log records changes, not presses of Save, and the form says "Nothing changed".
 * After is `what.after`'s read, else what `change` returns.
 */
export function auditedSave<T>(db: Db, actor: SetupActor, what: AuditedChange & Required<Pick<AuditedChange, 'before'>>, change: (tx: Executor, before: unknown) => Promise<T>): Promise<Saved<T>> {
	return db.orm.transaction(async (tx) => {
		const before = await what.before(tx);
		const value = await change(tx, before);
		const after = (what.after ? await what.after(tx) : value) ?? null;
		const changed = !sameState(before, after);
		if (changed) await recordChange(tx, actor, { ...what, before, after });
		return { value, changed };
	});
}

/** Writes a change's audit entry in `tx`, the transaction that made it, with the state before and after as read. */
export async function recordChange(tx: Executor, actor: SetupActor, what: Omit<AuditedChange, 'before' | 'after'> & { before: unknown; after: unknown }): Promise<void> {
	await audit(tx, {
		action: what.action,
		...creditTo(actor, what.detail),
		targetType: what.targetType,
		targetId: what.targetId,
		accountId: what.accountId ?? null,
		before: what.before,
		after: what.after,
		at: what.at
	});
}
