import type { Executor } from '../db/client';
import { DomainError } from '../errors';
import { siteUsage, type SiteUsage, type UsageTotals } from '../ledger';

export interface SiteDaily extends SiteUsage {
	total: UsageTotals;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Site-wide consumption per day and module (all accounts), from the ledger's daily rollup; days
 * are site-local dates. Errors: `invalid_input` unless `from` and `to` are dates (YYYY-MM-DD) with
 * `from` ≤ `to` at most 366 days apart.
 */
export async function siteDaily(exec: Executor, range: { from: string; to: string }): Promise<SiteDaily> {
	const from = Date.parse(`${range.from}T00:00:00Z`);
	const to = Date.parse(`${range.to}T00:00:00Z`);
	if (!ISO_DAY.test(range.from) || !ISO_DAY.test(range.to) || Number.isNaN(from) || Number.isNaN(to)) {
		throw new DomainError('invalid_input', 'from and to must be dates (YYYY-MM-DD).');
	}
	if (to < from || to - from > 366 * 86_400_000) throw new DomainError('invalid_input', 'The range must run forwards and span at most 366 days.');
	const usage = await siteUsage(exec, range);
	return {
		...usage,
		total: usage.days.reduce((t, d) => ({ tokens: t.tokens + d.tokens, operations: t.operations + d.operations }), { tokens: 0, operations: 0 })
	};
}
