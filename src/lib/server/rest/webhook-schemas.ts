import { z } from 'zod';
import { domainEventTypes } from '../domain-events';
import type { DeliveryView, EndpointView } from '../webhooks';

// REST v1's webhook endpoints (site keys): request and answer shapes, used by the routes and the OpenAPI document.

export const endpointParams = z.object({ id: z.uuid().meta({ description: 'The endpoint id POST /api/v1/webhook-endpoints answered.' }) });
export const redeliverParams = endpointParams.extend({ deliveryId: z.coerce.number().int().positive().meta({ description: "A delivery id from the endpoint's delivery log." }) });
export const deliveriesQuery = z.object({
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
	created_at: z.string()
});

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
	created: endpoint.extend({ secret: z.string().meta({ description: 'The signing secret (Standard Webhooks, `whsec_…`): shown only in this answer.' }) }),
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
