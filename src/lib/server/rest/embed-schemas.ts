import { z } from 'zod';
import { EMBED_TTL_SECONDS, type EmbedView } from '../embed';
import type { Balances } from '../ledger';
import { ALLOWANCE_USED, BALANCE_HELD, targetFields } from './schemas';

// REST v1's embed tokens (site keys) and what the <quota-usage> widget reads with one: request and
// answer shapes, used by the routes and the OpenAPI document.

export const embedTokenBody = z
	.object({
		user: targetFields.user,
		team: targetFields.team,
		ttl_seconds: z
			.number()
			.int()
			.min(EMBED_TTL_SECONDS.min)
			.max(EMBED_TTL_SECONDS.max)
			.default(EMBED_TTL_SECONDS.default)
			.meta({ description: `How long the token reads (seconds, ${EMBED_TTL_SECONDS.min}–${EMBED_TTL_SECONDS.max}, default ${EMBED_TTL_SECONDS.default}).` })
	})
	.strict()
	.refine((v) => (v.user === undefined) !== (v.team === undefined), { message: 'Name exactly one of "user" or "team": the account the widget shows.', path: ['user'] })
	.meta({
		description: "Exactly one of `user` (your site's user id, or a Quota user id) or `team`.",
		anyOf: [{ required: ['user'] }, { required: ['team'] }],
		not: { required: ['user', 'team'] }
	});

const nullableInt = z.number().int().nullable();

const balancePart = {
	available: z.number().int().meta({ description: "Tokens the account can spend now (as GET /api/v1/balance's `available`)." }),
	held: z.number().int().meta({ description: BALANCE_HELD }),
	unlimited: z.boolean().meta({ description: 'A lot or allowance without a limit: the account is never refused for tokens.' }),
	used_today: z.number().int(),
	used_this_month: z.number().int(),
	level: z.enum(['ok', 'low', 'empty']).meta({ description: "The dashboard's colour: ok, low (under the low share) or empty." }),
	allowances: z.array(
		z.object({ module: z.string(), name: z.string(), used: z.number().int().meta({ description: ALLOWANCE_USED }), limit: nullableInt.meta({ description: 'null = unlimited.' }), period: z.string(), resets_at: z.string().nullable() })
	),
	allocations: z.array(
		z.object({
			model: z.string().nullable().meta({ description: 'null = general tokens, usable by every model.' }),
			name: z.string(),
			remaining: z.number().int(),
			amount: z.number().int(),
			unlimited: z.boolean(),
			expires_at: z.string().nullable()
		})
	)
};

export const embedResponses = {
	token: z.object({
		token: z.string().meta({ description: 'The embed token (`qe_…`): give it to the page for `<quota-usage token="…">`. It reads this one account only, changes nothing, and stops at `expires_at` or when the site key that made it is revoked.' }),
		expires_at: z.string(),
		account_id: z.uuid()
	}),
	balance: z.object(balancePart),
	summary: z.object({
		...balancePart,
		usage: z.array(z.object({ id: z.uuid(), feature: z.string(), feature_name: z.string(), model: z.string().nullable(), tokens_used: z.number().int(), date: z.string() })),
		purchases: z.array(
			z.object({ id: z.uuid(), product_name: z.string(), tokens: z.number().int(), amount_cents: nullableInt, currency: z.string().nullable(), status: z.string(), created_at: z.string() })
		),
		cap: z
			.object({
				available: z.number().int().meta({ description: 'What the cap leaves the user to spend now: less than `available`, and what they can spend.' }),
				of: z.string().meta({ description: 'The account\'s own figure beside it, in the dashboard\'s words: "of 96,900 in the account".' }),
				line: z.string().meta({ description: 'The cap as the user\'s dashboard says it: "Your daily cap: 4,955 of 5,000 tokens left today".' })
			})
			.nullable()
			.meta({
				description:
					"A user's account whose user a cap (daily, weekly or monthly) leaves less than `available`: what the cap leaves them, as their Quota dashboard says it; the widget shows it in place of `available`. null when no cap binds, and for a team's pool. Not in the stream's events: the widget reads the summary again after each."
			}),
		store_url: z.string().meta({
			description:
				'Where the "Buy tokens" link goes: Quota\'s embedded store (/embed/store) for this account, no sign-in; the packages on sale and the Paddle checkout, and the tokens land on this account. The fragment (#qs_…) is a store ticket for this account only, good until 30 minutes after expires_at and only while the site key works; a fragment is never sent to a server. Use it as it is.'
		}),
		expires_at: z.string().meta({ description: 'When the embed token stops reading.' })
	})
};

/** The balance part of the widget's figures (also each event of its stream). */
export function embedBalanceBody(b: Balances): z.infer<typeof embedResponses.balance> {
	return {
		available: b.available,
		held: b.held,
		unlimited: b.unlimited,
		used_today: b.usedToday,
		used_this_month: b.usedThisMonth,
		level: b.level,
		allowances: b.allowances.map((a) => ({ module: a.module, name: a.name, used: a.used, limit: a.limit, period: a.period, resets_at: a.resetsAt })),
		allocations: b.allocations.map((a) => ({ model: a.model, name: a.name, remaining: a.remaining, amount: a.amount, unlimited: a.unlimited, expires_at: a.expiresAt }))
	};
}

export function embedSummaryBody(v: EmbedView, extra: { storeUrl: string; expiresAt: Date }): z.infer<typeof embedResponses.summary> {
	return {
		...embedBalanceBody(v.balances),
		usage: v.usage.map((r) => ({ id: r.id, feature: r.feature, feature_name: r.featureName, model: r.model, tokens_used: r.tokensUsed, date: r.date })),
		purchases: v.purchases.map((p) => ({ id: p.id, product_name: p.productName, tokens: p.tokens, amount_cents: p.amountCents, currency: p.currency, status: p.status, created_at: p.createdAt })),
		cap: v.capBound && { available: v.capBound.tokens, of: v.capBound.sub, line: v.capBound.line },
		store_url: extra.storeUrl,
		expires_at: extra.expiresAt.toISOString()
	};
}
