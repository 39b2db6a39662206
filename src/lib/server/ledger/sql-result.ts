import type { SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError, type ErrorCode } from '../errors';

/** What every ledger SQL function returns: `ok` plus fields, or a refusal code and message. */
export type SqlResult = { ok: boolean; code?: ErrorCode | null; message?: string | null; [k: string]: unknown };

export async function callLedger(exec: Executor, call: SQL): Promise<SqlResult> {
	const [row] = await queryRows<{ r: SqlResult | string }>(exec, call);
	const r = row!.r;
	// PGlite and postgres.js both parse jsonb, but be strict about it.
	return typeof r === 'string' ? (JSON.parse(r) as SqlResult) : r;
}

/** Refusals that are answers (stored under the idempotency key), as opposed to errors. */
export const refusalCodes = new Set<ErrorCode>(['insufficient_tokens', 'allowance_exhausted', 'cap_reached', 'feature_disabled']);

export function throwIfError(r: SqlResult): void {
	if (!r.ok && r.code && !refusalCodes.has(r.code)) {
		throw new DomainError(r.code, r.message ?? r.code);
	}
}
