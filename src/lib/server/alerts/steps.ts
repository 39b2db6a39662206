import { sql } from 'drizzle-orm';
import { queryRows, uuidArray, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { DEFAULT_STEPS, STEP_LIMITS, type AlertSteps } from './level';

/** Each account's alert steps (the defaults where none were set: `isDefault`), in one read. */
export async function alertStepsOf(exec: Executor, accountIds: string[]): Promise<Map<string, AlertSteps & { isDefault: boolean }>> {
	const rows = accountIds.length
		? await queryRows<{ account_id: string; share_steps: number[]; depleted: boolean }>(exec, sql`
			select account_id, share_steps, depleted from alert_settings where account_id = any(${uuidArray(accountIds)})`)
		: [];
	const set = new Map(rows.map((r) => [r.account_id, { shares: r.share_steps.map(Number), depleted: r.depleted, isDefault: false }]));
	return new Map(accountIds.map((id) => [id, set.get(id) ?? { ...DEFAULT_STEPS, isDefault: true }]));
}

/** The share the dashboard shows yellow below: the account's first (highest) step, or the site's when it has none. */
export async function firstStepOf(exec: Executor, accountId: string): Promise<number | undefined> {
	return (await alertStepsOf(exec, [accountId])).get(accountId)!.shares[0];
}

/** Whole percentages from 1 to 99, at most five, each once; returned highest first. */
export function validSteps(steps: AlertSteps): AlertSteps {
	const { min, max, count } = STEP_LIMITS;
	if (!steps.shares.every((p) => Number.isInteger(p) && p >= min && p <= max)) {
		throw new DomainError('invalid_input', `Each alert step must be a whole percentage from ${min} to ${max}.`);
	}
	const shares = [...new Set(steps.shares)].sort((a, b) => b - a);
	if (shares.length !== steps.shares.length) throw new DomainError('invalid_input', 'Each alert step can be set once.');
	if (shares.length > count) throw new DomainError('invalid_input', `At most ${count} alert steps.`);
	return { shares, depleted: steps.depleted };
}
