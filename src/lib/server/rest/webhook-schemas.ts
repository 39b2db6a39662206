import { z } from 'zod';
import { domainEventTypes, type DomainEventType } from '../domain-events';
import type { DeliveryView, EndpointView } from '../webhooks';

// REST v1's webhook endpoints (site keys): request and answer shapes, used by the routes and the OpenAPI document.

export const endpointParams = z.object({ id: z.uuid().meta({ description: 'The endpoint id POST /api/v1/webhook-endpoints answered.' }) });
export const redeliverParams = endpointParams.extend({ deliveryId: z.coerce.number().int().positive().meta({ description: "A delivery id from the endpoint's delivery log." }) });
export const deliveriesQuery = z.strictObject({
	limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Deliveries per page (1–200, default 50), newest first.' }),
	before: z.coerce.number().int().positive().optional().meta({ description: 'The last delivery id of the previous page.' })
});

const endpoint = z.object({
	id: z.uuid(),
	url: z.string(),
	description: z.string(),
	event_types: z.array(z.enum(domainEventTypes)),
	enabled: z.boolean(),
	disabled_reason: z.string().nullable().meta({ description: 'Why it is off: turned off by an admin, or automatically after every delivery failed for about a day.' }),
	disabled_at: z.string().nullable(),
	previous_secret_expires_at: z
		.string()
		.nullable()
		.meta({ description: 'After a rotation (POST …/rotate-secret): until when the secret it replaced signs every delivery too, beside the new one. null: only the current secret signs.' }),
	created_at: z.string()
});

/** The endpoint with a secret shown only in this answer. */
const withSecret = (description: string) => endpoint.extend({ secret: z.string().meta({ description }) });

const attempt = z.object({
	at: z.string(),
	status_code: z.number().int().nullable().meta({ description: 'The HTTP status your endpoint answered; null when it did not answer (see error).' }),
	latency_ms: z.number().int(),
	response_excerpt: z.string().nullable().meta({ description: 'The first 500 characters of the answer.' }),
	error: z.string().nullable()
});

const delivery = z.object({
	id: z.number().int(),
	event_id: z.string().meta({ description: 'The webhook-id header: the same on every retry and redelivery of the event.' }),
	event_type: z.enum(domainEventTypes),
	sequence: z.number().int().meta({ description: "The event's number among its account's events (1, 2, 3, …): order by it." }),
	account_id: z.uuid(),
	status: z.enum(['pending', 'delivered', 'failed']),
	next_attempt_at: z.string().nullable(),
	created_at: z.string(),
	delivered_at: z.string().nullable(),
	attempts: z.array(attempt)
});

export const webhookResponses = {
	endpoint,
	created: withSecret('The signing secret (Standard Webhooks, `whsec_…`): shown only in this answer.'),
	rotated: withSecret(
		'The new signing secret (Standard Webhooks, `whsec_…`): shown only in this answer. It signs every delivery from now on; the one it replaced signs too, until `previous_secret_expires_at`.'
	),
	list: z.object({ data: z.array(endpoint) }),
	deliveries: z.object({ data: z.array(delivery) }),
	redelivered: z.object({ status: z.literal('pending') }),
	deleted: z.object({ deleted: z.literal(true) })
};

export function endpointBody(e: EndpointView & { secret?: string }) {
	return {
		id: e.id,
		url: e.url,
		description: e.description,
		event_types: e.eventTypes,
		enabled: e.enabled,
		disabled_reason: e.disabledReason,
		disabled_at: e.disabledAt,
		previous_secret_expires_at: e.previousSecretExpiresAt,
		created_at: e.createdAt,
		...(e.secret ? { secret: e.secret } : {})
	};
}

export function deliveryBody(d: DeliveryView) {
	return {
		id: d.id,
		event_id: d.eventId,
		event_type: d.eventType,
		sequence: d.sequence,
		account_id: d.accountId,
		status: d.status,
		next_attempt_at: d.nextAttemptAt,
		created_at: d.createdAt,
		delivered_at: d.deliveredAt,
		attempts: d.attempts.map((a) => ({ at: a.at, status_code: a.statusCode, latency_ms: a.latencyMs, response_excerpt: a.responseExcerpt, error: a.error }))
	};
}

// The events Quota POSTs to an endpoint (the OpenAPI document's `webhooks`): Standard Webhooks'
// `{type, timestamp, data}`, `data` with the fields every event has (webhooks/outbox.ts) and its own
// (each announcing domain's events.ts).

const sent = {
	event_id: z.string().meta({ description: 'The same as the `webhook-id` header, on every retry and redelivery: drop duplicates by it.' }),
	sequence: z.number().int().meta({ description: "The event's number among its account's events (1, 2, 3, …): order by it." }),
	account_id: z.uuid().meta({ description: "Quota's account id: not what the API takes as `user` or `team` (send `user_id`, `team_id` or `guest_id`)." }),
	account_kind: z.enum(['user', 'team', 'guest']),
	user_id: z.string().nullable().meta({ description: "A user's account: your site's id for them, else their Quota user id (send it as `user`); null for a team or guest." }),
	team_id: z.string().nullable().meta({ description: "A team pool's team id (send it as `team`); else null." }),
	guest_id: z.string().nullable().meta({ description: "A guest's id (send it as `guest`); else null." }),
	balance_after: z
		.object({
			available: z.number().int(),
			held: z.number().int(),
			unlimited: z.boolean().meta({ description: "true while the account has unlimited use of every model, as GET /api/v1/balance's `unlimited`." }),
			unlimited_models: z.array(z.string()).meta({ description: "The models whose use alone is unlimited, as GET /api/v1/balance's `unlimited_models`." })
		})
		.meta({ description: "The account's balance when the event was written, in GET /api/v1/balance's terms: `available`, `held`, `unlimited` and `unlimited_models`." })
};

const n = () => z.number().int();

/**
 * What a balance alert says of the account's allocation (ledger/share.ts, the dashboard's): its lots and
 * what is left of its free allowances together, so an account whose lots are spent while a free allowance
 * still has tokens is neither low nor depleted.
 */
const shareFields = {
	tokens_left: n().meta({ description: "Tokens left of the allocation: the lots' remaining tokens, what is left of the free allowances, and tokens held by running operations." }),
	allocation: n().meta({
		description:
			"The allocation, the 100% of the share: what the live lots were granted plus the free allowances' limits (the dashboard's), as it was before the change that passed the step when that change took a lot out of it (a lot spent to nothing, expired or ended), so `tokens_left` is measured against what the balance was a share of."
	})
};

const instant = () => z.string().meta({ description: 'ISO 8601 in UTC with milliseconds and `Z` (`2026-12-05T00:00:00.000Z`), as every instant of the API.' });
/** A purchase's and a renewal's money side. */
const paid = {
	order_id: z.uuid().meta({ description: 'The order, as the purchases lists show it.' }),
	product_id: z.string().meta({ description: "The package's id in the catalog." }),
	amount_cents: n().nullable().meta({ description: 'What Paddle charged, in minor units of `currency`; null when Paddle gave no total.' }),
	currency: z.string(),
	tokens_granted: n().meta({
		description:
			"Every token the purchase granted, over all its lots: the sum of the `tokens` of the `grant.created` events it sent (one per lot). A figure to show or to check against, not to add to theirs: a host that totals `grant.created` counts these tokens already."
	}),
	subscription_id: z.uuid().optional().meta({ description: 'A subscription package: the subscription.' }),
	period_ends_at: instant().nullable().optional().meta({ description: "A subscription package: when this period's lots expire." })
};

/** What each event means, and its own fields. */
const EVENTS: Record<DomainEventType, { summary: string; description: string; fields: z.ZodRawShape }> = {
	'grant.created': {
		summary: 'A lot was made: tokens added to the account',
		description:
			'One event per lot, however it was made: a purchase or a subscription period (one lot per model its package grants), a renewal, an auto top-up, a bonus, a referral, an event bonus, a grant through the API, a free allowance rolled over, a chargeback reversed. **Total these for the tokens an account was given**: every lot is here once (an admin\'s manual change is `balance.adjusted` instead, never also this). A purchase also sends `purchase.completed` (or `subscription.renewed`) for its money side, whose `tokens_granted` is the sum of its lots here: do not add both.',
		fields: {
			lot_id: z.uuid(),
			operation_id: z.uuid(),
			tokens: n().meta({ description: 'The tokens the lot holds (0 when `unlimited`).' }),
			unlimited: z.boolean().meta({ description: 'A lot without a limit: no countable tokens.' }),
			source: z.enum(['purchase', 'subscription', 'bonus', 'referral', 'event', 'admin', 'rollover', 'refund-reversal']).meta({ description: 'How it was made: `purchase` and `subscription` for what was bought (renewals and auto top-ups included).' }),
			model: z.string().nullable().meta({ description: 'The model its tokens are for; null = any model.' }),
			expires_at: instant().nullable().meta({ description: 'ISO 8601; null = never.' }),
			note: z.string().nullable().meta({ description: 'Its note ("Token pack × 2", "Invited Leo").' })
		}
	},
	'purchase.completed': {
		summary: 'A checkout was paid: the money side of a purchase',
		description:
			"Once per paid Paddle transaction (a checkout, an auto top-up): the order, the package and what was paid. The tokens it bought arrive as `grant.created` events, one per lot, written in the same transaction; `tokens_granted` is their sum. **Total this for revenue, not for tokens** (a host totalling tokens from both counts a purchase twice).",
		fields: paid
	},
	'subscription.renewed': {
		summary: "Paddle billed a subscription's next period: the money side of a renewal",
		description: "As `purchase.completed`, for a period Paddle billed on a subscription: the new period's lots are `grant.created` events, `tokens_granted` their sum; the last period's lots end (`lot.expired`).",
		fields: paid
	},
	'purchase.refunded': {
		summary: 'A full refund or a chargeback took back what was left of a purchase (a partial chargeback: its share)',
		description: 'The tokens taken back leave the lots the purchase made (a later `lot.expired` of those lots loses only what was left): subtract `tokens_taken_back` from a total of `grant.created`. A chargeback of part of the payment takes back that share of the tokens the purchase granted (at most what is left). A partial refund takes no tokens and sends nothing; a chargeback reversed gives the tokens back as `grant.created` (source `refund-reversal`).',
		fields: {
			order_id: z.uuid().nullable(),
			cause: z.enum(['refund', 'chargeback']),
			tokens_taken_back: n().meta({ description: "What was left of the purchase's lots (of a partial chargeback: of its share), now gone." }),
			tokens_already_spent: n().meta({ description: 'What had been spent before (of a partial chargeback: of its share): not taken back.' })
		}
	},
	'subscription.cancel_scheduled': {
		summary: 'A subscription was canceled: it ends at the end of its period',
		description:
			"At cancel time, whoever canceled (the member in Purchases, the seller in Paddle): the subscription stays active, and its lots usable, until `ends_at`; it renews no more. Once per change (Paddle sending the same update again sends nothing); again only if the end moves. Then `subscription.cancel_undone` if the cancel is taken back, or `subscription.canceled` when it ends.",
		fields: { subscription_id: z.uuid(), product_id: z.string(), ends_at: instant().meta({ description: 'When it ends: the end of the period paid for (ISO 8601).' }) }
	},
	'subscription.cancel_undone': {
		summary: 'A scheduled cancel was taken back: the subscription renews as before',
		description: "When a cancel sent as `subscription.cancel_scheduled` is undone before it ends (the member's \"Keep subscription\", or the seller in Paddle), once per change.",
		fields: { subscription_id: z.uuid(), product_id: z.string(), renews_at: instant().nullable().meta({ description: 'When Paddle bills the next period (ISO 8601); null if Paddle gave none.' }) }
	},
	'subscription.canceled': {
		summary: 'A subscription ended',
		description:
			"Once, when it really ends: at `ends_at` of its `subscription.cancel_scheduled`, or at once for a subscription the seller canceled immediately in Paddle (the status Quota mirrors from Paddle becomes canceled). Its period's lots end with it (`lot.expired`).",
		fields: { subscription_id: z.uuid(), product_id: z.string(), canceled_at: instant().nullable() }
	},
	'balance.adjusted': {
		summary: 'A site admin changed the general balance by hand',
		description: 'Up or down, in the console, once per adjustment: a rise is not also a `grant.created`, so add `delta` to a total of them.',
		fields: { delta: n().meta({ description: 'Tokens added (+) or taken (−).' }), general_balance: n().meta({ description: 'The tokens usable on any model after it.' }), reason: z.string() }
	},
	'lot.expired': {
		summary: 'A lot reached its expiry, its subscription period ended, or unlimited use ended',
		description:
			'From the expiry sweep, about a second after the expiry; unlimited use too, at its end date (sweep) or when someone ends it (in the console, or `POST /api/v1/grants/{lot_id}/end`: sent with the end itself, in order with the account\'s other events), with `tokens_lost` 0. A lot can send a later one (`late`): a job that held some of its tokens when it ended gives back what it does not spend (at its settle, release or hold expiry), and those tokens expire then; that event\'s `tokens_lost` counts them alone, so a total of `tokens_lost` over every `lot.expired` is what expiries took.',
		fields: {
			lot_id: z.uuid(),
			tokens_lost: n().meta({ description: 'What it still held; in a `late` one, the tokens a job gave back after its end.' }),
			source: z.string(),
			model: z.string().nullable(),
			expired_at: instant(),
			ended: z.boolean().meta({ description: 'true: someone ended it before its time (a site admin in the console, or a site key); false: it reached its expiry or end date, or its subscription period ended.' }),
			late: z.boolean().meta({ description: "true: not this lot's first `lot.expired`; its tokens_lost were held by a job at the lot's end and expired when the job gave them back." })
		}
	},
	'hold.expired': {
		summary: 'A hold ran out unsettled: its tokens went back',
		description: "From the expiry sweep about a second after the hold's end (also for a hold that ran out while its account was used).",
		fields: { hold_id: z.uuid(), released_tokens: n(), feature: z.string(), model: z.string().nullable(), expired_at: instant() }
	},
	'allowance.exhausted': {
		summary: "A consume or hold took a free allowance's last tokens",
		description: 'Once per window.',
		fields: { module: z.string().meta({ description: "The module's key, as /balance says it." }), limit: n(), period: z.string(), resets_at: instant().nullable() }
	},
	'balance.low': {
		summary: 'The balance fell below an alert step',
		description:
			"One per step crossed (a share of the allocation, or a number of tokens), for the lowest step a change reaches: a drop past several steps at once sends one, for the lowest (and a drop to nothing `balance.depleted` only), as the owner's inbox gets one alert; a step crosses anew once the balance recovered. The allocation counts what is left of the account's free allowances with its lots, so a consume's `level` (what is left for its feature) can say `low` before the account crosses a step.",
		fields: {
			threshold_percent: n().optional().meta({ description: 'A share step: its percent.' }),
			threshold_tokens: n().optional().meta({ description: 'A token step: its number of tokens.' }),
			...shareFields
		}
	},
	'balance.depleted': {
		summary: 'Nothing is left to spend',
		description: 'Once per running out (with no `balance.low` for the steps a drop to nothing passed at once); again after the balance recovered.',
		fields: shareFields
	}
};

/** Each event as the OpenAPI document's `webhooks` names it: what it means, and the body POSTed. */
export const webhookEvents = domainEventTypes.map((type) => {
	const e = EVENTS[type];
	return {
		type,
		summary: e.summary,
		description: e.description,
		body: z.object({
			type: z.literal(type),
			timestamp: instant().meta({ description: 'When the event was written (ISO 8601).' }),
			data: z.object({ ...sent, ...e.fields })
		})
	};
});
