import { z } from 'zod';
import pkg from '../../../../package.json' with { type: 'json' };
import * as s from './schemas';

// OpenAPI 3.1 generated from the same zod schemas that validate requests (JSON Schema 2020-12).

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
	z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;

const errorRef = { $ref: '#/components/schemas/Error' };
const errors = (...codes: number[]) =>
	Object.fromEntries(
		codes.map((c) => [String(c), { description: errorText[c] ?? 'Error', content: { 'application/json': { schema: errorRef } } }])
	);
const errorText: Record<number, string> = {
	400: 'Malformed body, query or headers (missing Idempotency-Key)',
	401: 'No or bad API key',
	402: 'insufficient_tokens, allowance_exhausted or cap_reached (message: the module’s limit message)',
	403: 'feature_disabled, a missing scope, or an account the key may not act on',
	404: 'Not found',
	409: 'idempotency_key_in_flight, hold_expired or hold_already_settled',
	413: 'Body larger than 64 KB',
	415: 'Body is not application/json',
	422: 'idempotency_key_reused, unknown feature or model, or another semantic error',
	429: 'Rate limited (see Retry-After)'
};

const idempotencyHeader = (required: boolean) => ({
	name: 'Idempotency-Key',
	in: 'header',
	required,
	description: 'Scoped to your API key: a retry with the same key and body returns the first answer and spends once.',
	schema: { type: 'string', minLength: 1, maxLength: 255 }
});

const queryParams = (schema: z.ZodObject) =>
	Object.entries((jsonSchema(schema, 'input').properties ?? {}) as Record<string, Record<string, unknown>>).map(([name, sch]) => ({
		name,
		in: 'query',
		required: false,
		description: sch.description,
		schema: { ...sch, description: undefined }
	}));

const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: jsonSchema(schema, 'input') } } });
const ok = (status: number, schema: z.ZodType, description: string) => ({
	[status]: { description, content: { 'application/json': { schema: jsonSchema(schema, 'output') } } }
});

export function openApiDocument(serverUrl: string) {
	return {
		openapi: '3.1.0',
		info: {
			title: 'Quota metering API',
			version: pkg.version,
			description:
				'Check, consume, hold and settle AI tokens; read balances, rates and usage. Authenticate with `Authorization: Bearer <api key>`. ' +
				'Site keys name the account with `user`, `team` or `guest`; account keys act on their own account.'
		},
		servers: [{ url: serverUrl }],
		security: [{ apiKey: [] }],
		components: {
			securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Quota API key (qk_…).' } },
			schemas: { Error: jsonSchema(s.responses.error, 'output') }
		},
		paths: {
			'/api/v1/balance': {
				get: {
					summary: 'Balances per model, allowances, available and held tokens',
					parameters: queryParams(s.targetQuery),
					responses: { ...ok(200, s.responses.balance, 'Balances'), ...errors(400, 401, 403, 404, 429) }
				}
			},
			'/api/v1/feature-rates': {
				get: {
					summary: 'All feature rates',
					responses: { ...ok(200, z.object({ success: z.literal(true), data: z.array(s.responses.featureRate) }), 'Rates'), ...errors(401) }
				}
			},
			'/api/v1/feature-rates/{featureKey}': {
				get: {
					summary: 'One feature’s rate',
					parameters: [{ name: 'featureKey', in: 'path', required: true, schema: { type: 'string' } }],
					responses: { ...ok(200, z.object({ success: z.literal(true), data: s.responses.featureRate }), 'Rate'), ...errors(401, 404) }
				}
			},
			'/api/v1/check': {
				post: {
					summary: 'What an operation would cost and who would pay; changes nothing',
					requestBody: body(s.checkBody),
					responses: { ...ok(200, s.responses.check, 'Cost preview'), ...errors(400, 401, 403, 413, 415, 422, 429) }
				}
			},
			'/api/v1/consume': {
				post: {
					summary: 'Spend tokens for one use, atomically and at most once per Idempotency-Key',
					parameters: [idempotencyHeader(true)],
					requestBody: body(s.consumeBody),
					responses: { ...ok(200, s.responses.consume, 'Spent'), ...errors(400, 401, 402, 403, 409, 413, 415, 422, 429) }
				}
			},
			'/api/v1/holds': {
				post: {
					summary: 'Reserve tokens for a running operation (a streaming reply)',
					parameters: [idempotencyHeader(true)],
					requestBody: body(s.holdBody),
					responses: { ...ok(201, s.responses.hold, 'Held'), ...errors(400, 401, 402, 403, 409, 413, 415, 422, 429) }
				}
			},
			'/api/v1/holds/{id}/settle': {
				post: {
					summary: 'Charge the real amount (≤ held); the rest is released',
					parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, idempotencyHeader(false)],
					requestBody: body(s.settleBody),
					responses: { ...ok(200, s.responses.settle, 'Settled'), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) }
				}
			},
			'/api/v1/holds/{id}/release': {
				post: {
					summary: 'Give every held token back',
					parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, idempotencyHeader(false)],
					responses: { ...ok(200, s.responses.settle, 'Released'), ...errors(400, 401, 403, 404, 409, 415, 429) }
				}
			},
			'/api/v1/grants': {
				post: {
					summary: 'Grant bonus, referral, event or admin tokens (site keys)',
					parameters: [idempotencyHeader(true)],
					requestBody: body(s.grantBody),
					responses: { ...ok(201, s.responses.grant, 'Granted'), ...errors(400, 401, 403, 404, 413, 415, 422) }
				}
			},
			'/api/v1/usage': {
				get: {
					summary: 'Usage history, newest first',
					parameters: queryParams(s.usageQuery),
					responses: { ...ok(200, s.responses.usage, 'A page of usage'), ...errors(400, 401, 403, 404) }
				}
			},
			'/api/v1/stream': {
				get: {
					summary: 'Server-Sent Events: the account’s balance whenever it changes',
					parameters: queryParams(s.targetQuery),
					responses: { 200: { description: 'text/event-stream of `balance` events', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors(401, 403) }
				}
			}
		}
	};
}
