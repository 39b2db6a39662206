/** The ledger's public shapes (see "The ledger" in DESIGN.md for the vocabulary). */

export type LotSource = 'purchase' | 'subscription' | 'bonus' | 'referral' | 'event' | 'admin' | 'refund-reversal' | 'rollover';
export type Period = 'daily' | 'weekly' | 'monthly' | 'never';
export type Level = 'ok' | 'low' | 'empty';

/** Who asked: a signed-in user, an API key, or both (a user acting through an app). */
export interface Actor {
	userId?: string | null;
	keyId?: string | null;
}

/** One source that paid (or would pay) for an operation. */
export interface PaidBy {
	type: 'allowance' | 'lot';
	/** The allowance rule's id or the lot's id (uuids; the same in a check and in the consume it describes). */
	id: string;
	/** Module for allowances; lot source for lots. */
	label: string;
	model: string | null;
	tokens: number;
	unlimited: boolean;
}

export interface CheckRequest {
	accountId: string;
	feature: string;
	units: number;
	model?: string | null;
	/** The member using a team pool (per-member caps and allowances). */
	actorUserId?: string | null;
}

export interface CheckResult {
	allowed: boolean;
	/**
	 * Whether the feature should be offered at all: false when it is off for this account (`feature_disabled`:
	 * disabled, a free allowance of 0, or a guest without a guest rule), or when nothing is left to pay with
	 * (allowance used up or none, and no lots) and its module shows as inactive then.
	 */
	active: boolean;
	cost: number;
	code: RefusalCode | null;
	message: string | null;
	details: RefusalDetails | null;
	paidBy: PaidBy[];
	/**
	 * What is left to spend on this feature and model after it (the `remaining` of a consume): its
	 * module's free allowance left in the current window plus usable lots; null = unlimited.
	 */
	remainingAfter: number | null;
	/**
	 * What is spendable on this feature and model now, before it: an allowed one's remainingAfter is this
	 * less its cost; the cap in force counted alike (no more than its `left`); null = unlimited. The
	 * playground's "Available" for the feature chosen.
	 */
	spendable: number | null;
	level: Level;
	allowance: { module: string; used: number; limit: number | null; period: Period; resetsAt: string | null } | null;
	/**
	 * The cap in force on this use that leaves the least (the account's own, or the member's limit in a
	 * team pool); remainingAfter is never more than its `left` less the cost. null = no cap.
	 */
	cap: CapLeft | null;
}

/** A cap in force: whose it is, its limit and its use this period (open holds included), in tokens. */
export interface CapLeft {
	limitOf: 'user' | 'team' | 'guest' | 'member';
	limit: number;
	used: number;
	/** limit − used, never below 0. */
	left: number;
	period: Period;
	resetsAt: string | null;
}

/** The figures behind a refusal (cost, the limit and what is left of it, its reset; or what is available). */
export type { RefusalDetails } from '../../refusal-message';
import type { RefusalDetails } from '../../refusal-message';

export type RefusalCode = 'insufficient_tokens' | 'allowance_exhausted' | 'cap_reached' | 'feature_disabled';

export interface ConsumeRequest extends CheckRequest {
	actor: Actor;
	/** Scoped to the caller: (scope, key) has at most one effect, ever. */
	idempotency: { scope: string; key: string };
	metadata?: Record<string, unknown> | null;
	/**
	 * When it happened, for imports and the demo backfill only; transports never pass it (default: now).
	 * A time before the figures summary's cursor is seen at its next full refresh (daily): an import
	 * runs `refreshAccountFigures(exec, { full: true })` when done (ledger/figures-summary.ts).
	 */
	effectiveAt?: Date;
}

export interface ConsumeResult {
	operationId: string;
	cost: number;
	paidBy: PaidBy[];
	/** What is left to spend on this feature and model now (see CheckResult.remainingAfter); null = unlimited. */
	remaining: number | null;
	/** The light for this use, measured as a check's (CheckResult.level): `empty` when it left nothing. */
	level: Level;
	/** True when this is the stored answer to an earlier request with the same key. */
	replayed: boolean;
}

export interface GrantRequest {
	accountId: string;
	tokens: number;
	source: LotSource;
	model?: string | null;
	priority?: number;
	expiresAt?: Date | null;
	/**
	 * The day of the site's calendar (YYYY-MM-DD) `expiresAt` is the end of, when the expiry was asked
	 * as a day (the console's): the grant key's request names the day, not its instant, which moves
	 * when the site's zone changes, so a retry after such a change is the same grant.
	 */
	expiresOn?: string | null;
	unlimited?: boolean;
	/** Makes the grant happen at most once (e.g. `paddle:txn_…:pri_…`). */
	grantKey?: string | null;
	note?: string | null;
	actor?: Actor;
	/** When it happened, for imports and the demo backfill only (default: now); see ConsumeRequest's. */
	effectiveAt?: Date;
}

export interface GrantResult {
	lotId: string;
	operationId: string;
	/** False when the grant key had already granted: nothing new happened (the first grant's answer). */
	created: boolean;
	/** Tokens the lot was granted (0 for an unlimited lot). */
	tokens: number;
}
