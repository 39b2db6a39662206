import { z } from 'zod';
import { EMBED_TTL_SECONDS, type EmbedRecent, type EmbedView } from '../embed';
import type { Balances } from '../ledger';
import { ALLOWANCE_RESETS_AT, ALLOWANCE_USED, BALANCE_HELD, EXPIRES_AT_SOONEST, memberField, targetFields } from './schemas';
import { SAID_FIRST } from '../input-words';
import { unlimitedBody } from '../../allocation-words';

// REST v1's embed tokens (site keys) and what the <quota-usage> widget reads with one: request and
// answer shapes, used by the routes and the OpenAPI document.

export const embedTokenBody = z
	.strictObject({
		user: targetFields.user,
		team: targetFields.team,
		member: memberField('the member viewing the pool', "The widget then says what that member can spend, as their dashboard does: what their own cap, or the pool's, leaves them (`cap`). Without it the widget shows the pool alone."),
		ttl_seconds: z
			.number()
			.int()
			.min(EMBED_TTL_SECONDS.min)
			.max(EMBED_TTL_SECONDS.max)
			.default(EMBED_TTL_SECONDS.default)
			.meta({ description: `How long the token reads (seconds, ${EMBED_TTL_SECONDS.min}–${EMBED_TTL_SECONDS.max}, default ${EMBED_TTL_SECONDS.default}).` })
	})
	.refine((v) => (v.user === undefined) !== (v.team === undefined), {
		message: 'Name exactly one of "user" or "team": the account the widget shows.',
		path: ['user'],
		params: SAID_FIRST,
		when: (p) => typeof p.value === 'object' && p.value !== null
	})
	.refine((v) => v.member === undefined || v.team !== undefined, { message: 'member goes with team: the member viewing its pool. Leave it out for a user.', path: ['member'] })
	.meta({
		description: "Exactly one of `user` (your site's user id, or a Quota user id) or `team`; with `team`, optionally the `member` viewing its pool.",
		anyOf: [{ required: ['user'] }, { required: ['team'] }],
		not: { required: ['user', 'team'] },
		dependentRequired: { member: ['team'] }
	});

const nullableInt = z.number().int().nullable();

const balancePart = {
	available: z.number().int().meta({ description: "Tokens the account can spend now (as GET /api/v1/balance's `available`)." }),
	held: z.number().int().meta({ description: BALANCE_HELD }),
	unlimited: z.boolean().meta({ description: "true while the account has unlimited use of every model, as GET /api/v1/balance's `unlimited`. The widget says it, or the models of `unlimited_models`, beside `available`, as the dashboard does." }),
	unlimited_models: z.array(z.string()).meta({ description: "The models whose use alone is unlimited (`available` still counts the rest), as GET /api/v1/balance's `unlimited_models`." }),
	used_today: z.number().int(),
	used_this_month: z.number().int(),
	level: z.enum(['ok', 'low', 'empty']).meta({ description: "The dashboard's colour: ok, low (under the low share) or empty." }),
	ever_granted: z.boolean().meta({
		description:
			'Whether the account was ever granted tokens (spent, expired or refunded ones count). An empty account that never was has none yet ("No tokens yet", as the dashboard says), one that was has none left ("No tokens left").'
	}),
	allowances: z.array(
		z.object({ module: z.string(), name: z.string(), used: z.number().int().meta({ description: ALLOWANCE_USED }), limit: nullableInt.meta({ description: 'null = unlimited; 0 = not available to this account.' }), period: z.string(), resets_at: z.string().nullable().meta({ description: ALLOWANCE_RESETS_AT }) })
	),
	allocations: z.array(
		z.object({
			model: z.string().nullable().meta({ description: 'null = general tokens, usable by every model.' }),
			name: z.string(),
			remaining: z.number().int(),
			amount: z.number().int(),
			unlimited: z.boolean(),
			expires_at: z.string().nullable().meta({ description: EXPIRES_AT_SOONEST }),
			parts: z
				.array(z.object({ remaining: z.number().int(), unlimited: z.boolean(), expires_at: z.string().nullable().meta({ description: 'null = these tokens never expire.' }) }))
				.meta({ description: "What expires when: the allocation's tokens by expiry, soonest first, never-expiring last (the dashboard's \"1,225 expire Dec 14, 2026 · 16,895 never expire\")." })
		})
	)
};

/** The rest of what the widget shows, in the summary and in every event of its stream alike. */
const recentPart = {
	usage: z.array(
		z.object({
			id: z.uuid(),
			feature: z.string(),
			feature_name: z.string(),
			model: z.string().nullable(),
			model_name: z.string().nullable().meta({ description: 'The model\'s name, as the allocations name it ("Claude Sonnet 4.5"); null when the use named no model.' }),
			tokens_used: z.number().int(),
			date: z.string()
		})
	),
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
				"When a cap (daily, weekly or monthly) leaves the account's viewer less than `available` (a user's account: its user; a team's pool: the `member` its token names, by their own cap or the pool's): what the cap leaves them, as their Quota dashboard says it; the widget shows it in place of `available`. null when no cap binds, and for a team's pool whose token names no member."
		})
};

export const embedResponses = {
	token: z.object({
		token: z.string().meta({ description: 'The embed token (`qe_…`): give it to the page for `<quota-usage token="…">`. It reads this one account only, changes nothing, and stops at `expires_at`, when the site key that made it is revoked, or when the team member it names (`member`) is no longer in the team.' }),
		expires_at: z.string(),
		account_id: z.uuid()
	}),
	/** Each event of the stream: everything the summary has but its store link and expiry, so a change (a purchase, a use) lands whole at once. */
	live: z.object({ ...balancePart, ...recentPart }),
	summary: z.object({
		...balancePart,
		...recentPart,
		store_url: z.string().meta({
			description:
				'Where the "Buy tokens" link goes: Quota\'s embedded store (/embed/store) for this account, no sign-in; the packages on sale and the Paddle checkout, and the tokens land on this account. The fragment (#qs_…) is a store ticket for this account only, good until 30 minutes after expires_at and only while the site key works; a fragment is never sent to a server. Use it as it is.'
		}),
		expires_at: z.string().meta({ description: 'When the embed token stops reading.' }),
		pool: z
			.string()
			.nullable()
			.meta({ description: 'The team\'s name when the account is a team\'s pool (with or without `member`): the widget is titled "<team> pool", so a member does not read the pool\'s figures as their own. null for a user\'s account.' })
	})
};

/** An allocation's tokens by expiry, soonest first (its parts merged where they expire together: the widget names no source). */
function byExpiry(parts: Balances['allocations'][number]['parts']) {
	const out: { remaining: number; unlimited: boolean; expires_at: string | null }[] = [];
	for (const p of parts) {
		const same = out.find((o) => o.expires_at === p.expiresAt && o.unlimited === p.unlimited);
		if (same) same.remaining += p.remaining;
		else out.push({ remaining: p.remaining, unlimited: p.unlimited, expires_at: p.expiresAt });
	}
	return out;
}

/** Each event of the widget's stream: its figures but the store link and expiry. */
export function embedLiveBody(b: Balances, r: EmbedRecent): z.infer<typeof embedResponses.live> {
	return {
		available: b.available,
		held: b.held,
		...unlimitedBody(b.allocations),
		used_today: b.usedToday,
		used_this_month: b.usedThisMonth,
		level: b.level,
		ever_granted: b.everGranted,
		allowances: b.allowances.map((a) => ({ module: a.module, name: a.name, used: a.used, limit: a.limit, period: a.period, resets_at: a.resetsAt })),
		allocations: b.allocations.map((a) => ({ model: a.model, name: a.name, remaining: a.remaining, amount: a.amount, unlimited: a.unlimited, expires_at: a.expiresAt, parts: byExpiry(a.parts) })),
		usage: r.usage.map((u) => ({ id: u.id, feature: u.feature, feature_name: u.featureName, model: u.model, model_name: u.modelName, tokens_used: u.tokensUsed, date: u.date })),
		purchases: r.purchases.map((p) => ({ id: p.id, product_name: p.productName, tokens: p.tokens, amount_cents: p.amountCents, currency: p.currency, status: p.status, created_at: p.createdAt })),
		cap: r.capBound && { available: r.capBound.tokens, of: r.capBound.sub, line: r.capBound.line }
	};
}

export function embedSummaryBody(v: EmbedView, extra: { storeUrl: string; expiresAt: Date }): z.infer<typeof embedResponses.summary> {
	return { ...embedLiveBody(v.balances, v), store_url: extra.storeUrl, expires_at: extra.expiresAt.toISOString(), pool: v.pool };
}
