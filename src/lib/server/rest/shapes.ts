import type { ApiKeyAuth } from '../accounts';
import type { CheckResult, HistoryRow, PaidBy, Spendable } from '../ledger';
import type { listFeatures } from '../ledger';
import type { z } from 'zod';
import type { responses } from './schemas';
import { unlimitedBody } from '../../allocation-words';

// Ledger results in the REST v1 shapes (snake_case, the seeds' field names).

type Feature = Awaited<ReturnType<typeof listFeatures>>[number];

/** The balance API's body (`GET /api/v1/balance`, the stream's events): what `spendable` reads, in the seeds' names. */
export function balanceBody(b: Spendable): z.infer<typeof responses.balance> {
	const data: z.infer<typeof responses.balance>['data'] = {};
	for (const a of b.allocations) {
		data[a.model ?? 'general'] = {
			credit: a.remaining,
			isUnlimited: a.unlimited,
			entity_key: a.model ?? 'general',
			engine: a.engine,
			expires_at: a.expiresAt,
			expiring_tokens: a.expiringTokens
		};
	}
	return {
		success: true,
		data,
		allowances: b.allowances.map((x) => ({ module: x.module, used: x.used, limit: x.limit, period: x.period, resets_at: x.resetsAt, message: x.message })),
		...unlimitedBody(b.allocations),
		available: b.available,
		held: b.held
	};
}

export function featureRateBody(f: Feature): z.infer<typeof responses.featureRate> {
	return {
		feature_key: f.key,
		feature_name: f.name,
		tokens_per_unit: f.tokensPerUnit,
		token_type: f.unit,
		module: f.module,
		breakdown: f.breakdown ?? null,
		enabled: f.enabled
	};
}

const paidBy = (p: PaidBy[]) => p.map((x) => ({ type: x.type, id: x.id, label: x.label, model: x.model, tokens: x.tokens, unlimited: x.unlimited }));

export function checkResultBody(c: CheckResult): z.infer<typeof responses.check> {
	return {
		allowed: c.allowed,
		cost: c.cost,
		level: c.level,
		paid_by: paidBy(c.paidBy),
		remaining_after: c.remainingAfter,
		spendable: c.spendable,
		details: c.details,
		active: c.active,
		reason: c.code,
		message: c.message
	};
}

export { paidBy as paidByBody };

/** GET /api/v1/usage's row; `apiIds` (apiIdsOfUsers) names the person who spent it as the API takes them back. */
export function usageRowBody(r: HistoryRow, apiIds: ReadonlyMap<string, string>) {
	const userId = r.actorUserId === null ? null : (apiIds.get(r.actorUserId) ?? null);
	return { id: r.id, generator: r.model ?? r.feature, feature: r.feature, model: r.model, tokens_used: r.tokensUsed, date: r.date, remaining: r.remaining, user_id: userId };
}

/** GET /api/v1/key's body: what the authenticated key is (never its value or hash). */
export function keyBody(k: ApiKeyAuth): z.infer<typeof responses.key> {
	return { id: k.keyId, kind: k.kind, account_id: k.accountId, scopes: k.scopes };
}
