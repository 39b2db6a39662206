import { sql } from 'drizzle-orm';
import { uuidArray, type Executor } from '../db/client';
import { mapRead, read, readOne, type Read } from '../db/reads';
import { DomainError } from '../errors';
import { plainFormatter } from '../../refusal-message';
import { DEFAULT_STEPS, STEP_LIMITS, type AlertSteps } from './level';

/** Each account's alert steps (the defaults where none were set: `isDefault`), in one read. */
export async function alertStepsOf(exec: Executor, accountIds: string[]): Promise<Map<string, AlertSteps & { isDefault: boolean }>> {
	return accountIds.length ? readOne(exec, alertStepsRead(accountIds)) : new Map();
}

/** The read behind `alertStepsOf`. */
function alertStepsRead(accountIds: string[]): Read<Map<string, AlertSteps & { isDefault: boolean }>> {
	return read(
		// Arrays as JSON: postgres.js does not parse array columns in raw reads (db/client.ts, fetch_types).
		sql`select account_id, to_jsonb(share_steps) as share_steps, to_jsonb(token_steps) as token_steps, depleted
		      from alert_settings where account_id = any(${uuidArray(accountIds)})`,
		(rows: { account_id: string; share_steps: number[]; token_steps: number[]; depleted: boolean }[]) => {
			const set = new Map(
				rows.map((r) => [r.account_id, { shares: r.share_steps, tokens: r.token_steps, depleted: r.depleted, isDefault: false }])
			);
			return new Map(accountIds.map((id) => [id, set.get(id) ?? { ...DEFAULT_STEPS, isDefault: true }]));
		}
	);
}

/**
 * The share the dashboard shows yellow below: the account's first (highest) step, or undefined (the
 * site's share) when it has none; a read, so `balances` takes it as `lowSharePercent` in its statement.
 */
export function firstStepRead(accountId: string): Read<number | undefined> {
	return mapRead(alertStepsRead([accountId]), (steps) => steps.get(accountId)!.shares[0]);
}

/**
 * Share steps are whole percentages from 1 to 99, token steps whole numbers of tokens from 1,
 * each once, at most five steps of both kinds together; returned highest first. Throws
 * `invalid_input` naming the rule broken.
 */
export function validSteps(steps: AlertSteps): AlertSteps {
	const { min, max, count, maxTokens } = STEP_LIMITS;
	if (!steps.shares.every((p) => Number.isInteger(p) && p >= min && p <= max)) {
		throw new DomainError('invalid_input', `Each share step must be a whole percentage from ${min} to ${max}.`);
	}
	if (!steps.tokens.every((t) => Number.isSafeInteger(t) && t >= 1 && t <= maxTokens)) {
		throw new DomainError('invalid_input', `Each token step must be a whole number of tokens from 1 to ${plainFormatter.tokens(maxTokens)}.`);
	}
	const shares = [...new Set(steps.shares)].sort((a, b) => b - a);
	const tokens = [...new Set(steps.tokens)].sort((a, b) => b - a);
	if (shares.length !== steps.shares.length || tokens.length !== steps.tokens.length) throw new DomainError('invalid_input', 'Each alert step can be set once.');
	if (shares.length + tokens.length > count) throw new DomainError('invalid_input', `At most ${count} alert steps.`);
	return { shares, tokens, depleted: steps.depleted };
}
