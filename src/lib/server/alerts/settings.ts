import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { alertSettings } from '../db/schema';
import { DomainError } from '../errors';
import { claimClientWrite, spendableAccounts } from '../accounts';
import { requestHash } from '../idempotency';
import { allocationShares, heldFrom, spendable } from '../ledger';
import { heldWords } from '../../held-words';
import { evaluateIn } from './evaluate';
import { DEFAULT_STEPS, STEP_LIMITS, type AlertSteps } from './level';
import { alertStepsOf, validSteps } from './steps';

export interface AccountAlertSteps extends AlertSteps {
	accountId: string;
	kind: 'user' | 'team';
	/** 'Personal' or the team's name. */
	name: string;
	/** The steps are the defaults (never changed). */
	isDefault: boolean;
	/** The allocation the shares are of, and what is left of it now (tokens; see ledger/share.ts). */
	base: number;
	left: number;
	/** The dashboard's Available and held figures of the account (tokens; `left` is their sum). */
	available: number;
	held: number;
	/** Where the held tokens came from, as the dashboard says it: "3,000 held by running jobs, all from free allowances, already taken off these figures."; '' with none (lib/held-words.ts). */
	heldWords: string;
	unlimited: boolean;
}

/** What Settings shows: the accounts' steps, and the defaults and limits the form offers. */
export interface AlertStepsView {
	defaults: AlertSteps;
	limits: typeof STEP_LIMITS;
	accounts: AccountAlertSteps[];
}

/** The accounts whose alerts go to the user, hence whose steps they set: their own, and team pools they own or administer. */
async function stepAccounts(db: Db, userId: string) {
	return (await spendableAccounts(db, userId)).filter((a) => a.kind === 'user' || a.role === 'owner' || a.role === 'admin');
}

/**
 * The accounts whose alert steps the user sets, with the steps and the allocation they are shares
 * of: the user's own account, then each team pool they manage (owner or admin: the people its
 * alerts go to).
 */
export async function listAlertSteps(db: Db, userId: string): Promise<AlertStepsView> {
	const accounts = await stepAccounts(db, userId);
	const ids = accounts.map((a) => a.accountId);
	const [steps, shares, figures, heldFroms] = await Promise.all([
		alertStepsOf(db.orm, ids),
		allocationShares(db.orm, ids),
		Promise.all(ids.map((id) => spendable(db.orm, id))),
		Promise.all(ids.map((id) => heldFrom(db.orm, id)))
	]);
	return {
		defaults: DEFAULT_STEPS,
		limits: STEP_LIMITS,
		accounts: accounts.map((a, i) => ({
			accountId: a.accountId,
			kind: a.kind,
			name: a.name,
			...steps.get(a.accountId)!,
			...shares.get(a.accountId)!,
			available: figures[i]!.available,
			held: figures[i]!.held,
			heldWords: heldWords(figures[i]!.held, heldFroms[i]!)
		}))
	};
}

/**
 * Sets an account's alert steps, at most once per device-made key (a change made offline may be
 * sent again later; see accounts/settings.ts). Only for an account whose alerts go to the user
 * (their own; a team pool they own or administer), else `forbidden`. Throws `invalid_input` for
 * bad steps, `idempotency_key_reused` for a key used by another user or for other steps.
 * Then evaluates the account in the same transaction, so a step set above the current share is
 * alerted at once, saying the tokens were below it already (cause `set`), and no other evaluation
 * sees the new steps first and says they dropped; a step set lower re-arms nothing that was not
 * topped up. Returns whether this was a replay and the user's steps as they are now.
 */
export async function setAlertSteps(
	db: Db,
	userId: string,
	key: string,
	accountId: string,
	steps: AlertSteps
): Promise<{ replayed: boolean; steps: AlertStepsView }> {
	const valid = validSteps(steps);
	if (!(await stepAccounts(db, userId)).some((a) => a.accountId === accountId)) {
		throw new DomainError('forbidden', 'You can set the alert steps of your own tokens and of the team pools you own or administer.');
	}
	const replayed = await db.orm.transaction(async (tx) => {
		if (await claimClientWrite(tx, userId, key, requestHash(['alert-steps', userId, accountId, valid]))) return true;
		const values = { shareSteps: valid.shares, tokenSteps: valid.tokens, depleted: valid.depleted, updatedBy: userId, updatedAt: sql`now()` };
		await tx.insert(alertSettings).values({ accountId, ...values }).onConflictDoUpdate({ target: alertSettings.accountId, set: values });
		await evaluateIn(tx, accountId, 'set');
		return false;
	});
	return { replayed, steps: await listAlertSteps(db, userId) };
}
