import { z } from 'zod';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import pkg from '../../../../package.json' with { type: 'json' };
import * as s from './schemas';
import * as wh from './webhook-schemas';
import * as em from './embed-schemas';
import { endpointInput, endpointPatch } from '../webhooks/endpoints';
import { PREVIOUS_SECRET_HOURS } from '../../webhook-secret';
import { answers, type AnswerCode } from '../http/refusals';
import { MAX_NESTING } from '../storable';
import type { ApiKeyScope } from '../accounts';
import { SCOPE_WORDS, SITE_ONLY_SCOPES } from '../../key-scopes';

// OpenAPI 3.1 generated from the same zod schemas that validate requests (JSON Schema 2020-12).

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect, so no `$schema` of its own). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
	const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
	delete out.$schema;
	return out;
}

const errorRef = { $ref: '#/components/schemas/Error' };

/** What each refusal code means, said once; a route lists the codes it can answer (`errors`). */
const codeText = {
	invalid_json: 'the body is not JSON',
	idempotency_key_missing: 'no `Idempotency-Key` header (this route requires one)',
	unauthorized: 'no API key, or an unknown or revoked one',
	insufficient_tokens:
		'not enough tokens: `details.available` is what this request could spend (its feature\'s free allowance and the lots its model may use, as `remaining` counts them; not the account\'s `available`), `details.model` the model the request named (null: none, so only general tokens count), and the message says “more than the N spendable on this feature and model” (“… on this feature” when no model was named); with nothing at all left to pay with (no free allowance for the module, `available` 0), the message is the module\'s limit message as written (“Your bot is paused until more tokens are added.”), and `details.module`, `details.module_name` and `details.module_message` are there as for a used-up allowance',
	allowance_exhausted:
		"the feature's free allowance has fewer tokens left than the request needs (not necessarily none) and the account has no tokens of its own this model may use. `details` gives its `limit`, `used`, `left`, `period` and `resets_at`; while some is left the message says so (“This costs 25,000 tokens, more than the 8,800 left of your daily free Chatbot allowance of 10,000; it resets …”: the app heads it “Not enough free allowance”), and once none is left it is the module's limit message with the reset (“Free allowance used up”). `details.module` is the module's key (as `/balance` and the `allowance.exhausted` webhook say it: `chat`), `details.module_name` its name (`Chatbot`); `details.module_message`, its limit message as written, is there only once none is left",
	cap_reached:
		"a cap would be passed: a limit on spending per day, week or month that holds even when tokens are there (the account's own, a team pool's, or a member's in a team pool; a team's may be the site's default). `details.limit_of` says whose (`user`, `guest`, `team` or `member`) beside its `limit`, `used`, `left`, `period` and `resets_at`, and the message says them: “Your daily cap of 5,000 tokens in this team is used up; it resets Dec 7, 2026, 00:00 UTC.” (a time in a message is written as the app writes it, in the site's zone: “Dec 7, 2026, 00:00 Berlin time (UTC+1)”; `resets_at` gives it as ISO 8601)",
	feature_disabled:
		"the feature is off for this account, so hide it: the feature is disabled (message: “<feature> is disabled.”), the account's free allowance for its module is 0, “Not available” on the Limits page (message: that it is not available to them, “Chatbot: not available to your role.”, “… to your account.” or “… to this team.”, never the limit message of free tokens they never had), or, for a guest, the module has no guest limit, so guests get none of it (message: that it needs an account, “Chatbot needs an account: sign in or sign up to use it.”, not the limit message of a module they never had). A check answers the same with `active: false`. An account the Limits page gives no free tokens (None) is not refused for that: it pays from its balance (`insufficient_tokens` when that is short)",
	forbidden:
		'the key lacks the scope, may not act on that account (an account key naming another; signed in, another user or a team you are not in), is not a site key where one is needed, or is paused (a site key is resumed in Admin → API keys, an account key in Settings → API keys)',
	not_found: 'no such resource (the path names one that does not exist, or is not yours)',
	unknown_user: 'a `user` Quota does not know, on a site that does not create users for unknown ids (Admin → Limits)',
	unknown_feature: "no such feature: the message names the nearest feature key when one is a slip away (“Unknown feature 'ai_bot': did you mean 'ai_bots'?”) and says that `GET /api/v1/feature-rates` lists them",
	unknown_model: 'no such model: the message names the nearest model key when one is a slip away and lists the models there are (or leave `model` out)',
	hold_expired: 'the hold expired (its tokens went back)',
	hold_already_settled: 'the hold was settled or released already',
	idempotency_key_in_flight: 'a request with this Idempotency-Key is still running: retry shortly',
	idempotency_key_reused: 'this Idempotency-Key was used with another request: send a new Idempotency-Key for a new request; the same key replays only the same request',
	conflict: 'the state does not allow it now',
	payload_too_large: 'the body is larger than 64 KB',
	unsupported_media_type: 'a body that is not `application/json`',
	rate_limited: 'too many requests for this API key (see `Retry-After`)',
	internal_error: "a fault on Quota's side, logged under the `ref` in the message",
	unavailable:
		"Quota cannot reach its database, or its database did not answer in time (the message says how many seconds Quota waited, not counting the upload of the body): send the request again after `Retry-After` seconds. A write may still take effect after this answer; sent again with the same Idempotency-Key it takes effect once and answers as the first would"
} satisfies Partial<Record<AnswerCode, string>>;
type Documented = keyof typeof codeText | 'invalid_input';

/** `invalid_input` is 400 when the request breaks its schema, 422 when the domain refuses a well-formed value (its meaning per route). */
const INVALID_400 =
	'`invalid_input`: a field or header fails its schema, or holds text that cannot be stored (NUL, an unpaired surrogate), or nests arrays and objects more than ' +
	MAX_NESTING +
	' levels deep; `details.fieldErrors` names it. A field the body does not take, or a query parameter the route does not take (a route that lists none takes none), is refused, never ignored: named with the field it means (“This request does not take the field "reason": did you mean "note"?”), else with the fields it takes';
const PREFACE_402 = "Every refusal's `details.operation` says what was refused (`consume` or `hold`) and `details.cost` what it costs (a hold: its `max_tokens`)";
const BODY: Documented[] = ['invalid_json', 'payload_too_large', 'unsupported_media_type'];
const TARGET: Documented[] = ['forbidden', 'not_found', 'unknown_user', 'invalid_input'];
const IDEMPOTENT: Documented[] = ['idempotency_key_in_flight', 'idempotency_key_reused'];
const URL_REFUSED = 'a URL Quota will not send to (`details.fieldErrors.url` says why)';
/** Settle and release: the caller's own hold, closed once. */
const CLOSING: Documented[] = ['not_found', ...BODY, ...IDEMPOTENT, 'hold_expired', 'hold_already_settled', 'invalid_input', 'rate_limited'];
const SPENDING: Documented[] = [...TARGET, ...BODY, ...IDEMPOTENT, 'idempotency_key_missing', 'insufficient_tokens', 'allowance_exhausted', 'cap_reached', 'feature_disabled', 'unknown_feature', 'unknown_model', 'rate_limited'];

/**
 * A route's error answers from the codes it can give (every route: 400 `invalid_input` for a
 * malformed request, 401, a paused key's 403, 500, 503): each status lists its codes in the description
 * and as the `error` enum of its body, so a client (and the contract test) knows exactly which.
 * `invalid422` says what a 422 `invalid_input` means on this route, when it can answer one.
 */
function errorResponses(codes: Documented[], invalid422?: string, always: Documented[] = ['unauthorized', 'forbidden']) {
	const byStatus = new Map<number, string[]>([[400, ['invalid_input']]]);
	const texts = new Map<number, string[]>([[400, [INVALID_400]], [402, [PREFACE_402]]]);
	for (const code of new Set<Documented>([...always, ...codes, 'internal_error', 'unavailable'])) {
		if (code === 'invalid_input' && !invalid422) throw new Error('Say what a 422 invalid_input means on this route.');
		const status = code === 'invalid_input' ? 422 : answers[code].status;
		byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
		texts.set(status, [...(texts.get(status) ?? []), `\`${code}\`: ${code === 'invalid_input' ? invalid422 : codeText[code]}`]);
	}
	return Object.fromEntries(
		[...byStatus].sort(([a], [b]) => a - b).map(([status, list]) => [
			String(status),
			{
				description: texts.get(status)!.join('. '),
				content: { 'application/json': { schema: { allOf: [errorRef, { type: 'object', properties: { error: { enum: list } } }] } } }
			}
		])
	);
}
/**
 * Every refusal code REST documents, grouped by status with what it means (the table on
 * /developers; each route's own list is in its OpenAPI responses).
 */
export function refusalMeanings(): { status: number; codes: { code: string; meaning: string }[] }[] {
	const rows = new Map<number, { code: string; meaning: string }[]>([
		[400, [{ code: 'invalid_input', meaning: INVALID_400.replace(/^`invalid_input`: /, '') }]],
		[422, [{ code: 'invalid_input', meaning: `a well-formed request a rule refuses: ${NO_TARGET}, a value the ledger refuses (a settle above what is held); \`details.fieldErrors\` names the field a value was refused in` }]]
	]);
	for (const [code, meaning] of Object.entries(codeText)) {
		const status = answers[code as keyof typeof codeText].status;
		rows.set(status, [...(rows.get(status) ?? []), { code, meaning }]);
	}
	return [...rows].sort(([a], [b]) => a - b).map(([status, codes]) => ({ status, codes }));
}

const NO_TARGET = 'a site key named no `user`, `team` or `guest`';
const errors = (codes: Documented[] = [], invalid422 = NO_TARGET) => errorResponses(codes, codes.includes('invalid_input') ? invalid422 : undefined);

/** The widget's routes: 401 says why the embed token no longer reads. */
const embedErrors = {
	...errorResponses([], undefined, []),
	401: { description: '`unauthorized` with `details.reason`: `expired`, `revoked` (its site key was revoked or the user disabled), `not_member` (the team member it names left the team or was removed) or `invalid`', content: { 'application/json': { schema: errorRef } } }
};

/**
 * An operation's key: `security` lists the scope it needs (`apiKey: [scope]`), and its description
 * says it in the key form's words; null: any key, whatever its scopes.
 */
const needs = (scope: ApiKeyScope | null) => ({
	security: [{ apiKey: scope ? [scope] : [] }],
	description: scope
		? `Needs an API key with the \`${scope}\` scope (${SCOPE_WORDS[scope]})${SITE_ONLY_SCOPES.includes(scope) ? ': site keys only' : ''}.`
		: 'Any API key, whatever its scopes.'
});

const REPLAY = 'A replay is the first answer byte for byte (status and body), told apart only by its `idempotent-replayed: true` header.';

/** `once`: what happens once whatever the caller sends, for an optional key (a hold closes once). */
const idempotencyHeader = (required: boolean, once = 'a hold closes once whatever you send (a second settle or release answers 409 `hold_already_settled`)') => ({
	name: 'Idempotency-Key',
	in: 'header',
	required,
	description: required
		? `Required. Scoped to your API key and to the kind of request: consumes, holds and their settles and releases share one set of keys, grants and their ends another; send a new key for each new request. A retry with the same key and body returns the first answer and takes effect once (a consume spends once). ${REPLAY}`
		: `Optional: ${once}. With a key, a retry with the same key and body gets the first answer back instead of that 409. ${REPLAY}`,
	schema: jsonSchema(s.idempotencyHeader.shape['Idempotency-Key'], 'input')
});

const parameters = (schema: z.ZodObject, where: 'query' | 'path' | 'header', required = false) =>
	Object.entries((jsonSchema(schema, 'input').properties ?? {}) as Record<string, Record<string, unknown>>).map(([name, sch]) => {
		const { description, ...rest } = sch;
		return { name, in: where, required, ...(description ? { description } : {}), schema: rest };
	});
/** The target parameters, which OpenAPI cannot relate to each other: the rule is in each description. */
const targetParameters = (schema: z.ZodObject) =>
	parameters(schema, 'query').map((p) => (p.name in s.targetFields ? { ...p, description: `${p.description} ${s.ONE_TARGET}` } : p));

const body = (schema: z.ZodType, required = true) => ({ required, content: { 'application/json': { schema: jsonSchema(schema, 'input') } } });
const ok = (status: number, schema: z.ZodType, description: string, headers?: Record<string, unknown>) => ({
	[status]: { description, content: { 'application/json': { schema: jsonSchema(schema, 'output') } }, ...(headers ? { headers } : {}) }
});
/** A keyed write's answer: as `ok`, with the header a replay carries. */
const keyedOk = (status: number, schema: z.ZodType, description: string) =>
	ok(status, schema, description, {
		'idempotent-replayed': { description: `\`true\` on a replay of an Idempotency-Key's first answer; absent on the first. ${REPLAY}`, schema: { type: 'string', enum: ['true'] } }
	});

/** The document, built once per process (the schemas do not change while it runs). */
let built: ReturnType<typeof buildDocument> | undefined;

/** OpenAPI 3.1 for REST v1, with `serverUrl` (the origin the document was asked on) as its server. */
export function openApiDocument(serverUrl: string) {
	built ??= buildDocument();
	return { ...built, servers: [{ url: serverUrl }] };
}

/** The document served at one origin: its JSON text, gzipped once, and an ETag of it. */
export interface ServedDocument {
	json: string;
	gzip: Uint8Array<ArrayBuffer>;
	etag: string;
}

/** Origins are few (ORIGIN, or the Host a proxy passes); a forged Host cannot grow this past a few entries. */
const MAX_SERVED = 8;
const served = new Map<string, ServedDocument>();

/**
 * The document as `GET /api/v1/openapi.json` sends it, serialised and gzipped once per origin
 * rather than per request (30 KB of JSON: stringifying and gzipping it each time was most of the
 * route's cost).
 */
export function servedOpenApiDocument(serverUrl: string): ServedDocument {
	let doc = served.get(serverUrl);
	if (!doc) {
		const json = JSON.stringify(openApiDocument(serverUrl));
		doc = { json, gzip: gzipSync(json), etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 22)}"` };
		if (served.size >= MAX_SERVED) served.delete(served.keys().next().value!);
		served.set(serverUrl, doc);
	}
	return doc;
}

function buildDocument() {
	return {
		openapi: '3.1.0',
		info: {
			title: 'Quota metering API',
			version: pkg.version,
			description:
				'Check, consume, hold and settle AI tokens; read balances, rates and usage. Authenticate with `Authorization: Bearer <api key>`. ' +
				'Site keys name the account with exactly one of `user`, `team` or `guest`; account keys act on their own account and name none; ' +
				'a signed-in browser session (no key) names nothing for the pool it draws from now, or its own `user` id or one of its `team`s (anyone else: 403 `forbidden`). ' +
				`A key may do only what its scopes say (Admin → API keys shows them in words): ${s.SCOPES_DOC} Each operation's \`security\` names the scope it needs. ` +
				'Every answer is JSON (the stream excepted); every error is `{"error","message","details"?}`. ' +
				'Refusals come in the order a client can act on them: the key first (401, whatever the request carries), then its scope (403) and its rate (429), then what was sent: the path and query (400), the body\'s type (415), size (413) and JSON (400), its fields (400, 422), the Idempotency-Key (400). ' +
				"A method a path does not list answers `405 method_not_allowed` with `Allow`; TRACE answers `501 not_implemented` (a method Node's HTTP parser does not know, such as TRACK, gets its bare 400 before any route)."
		},
		security: [{ apiKey: [] }],
		components: {
			securitySchemes: {
				apiKey: { type: 'http', scheme: 'bearer', description: `A Quota API key (qk_…) with the scopes an operation lists: ${s.SCOPES_DOC}` },
				embedToken: { type: 'http', scheme: 'bearer', description: 'An embed token (qe_…) from POST /api/v1/embed-tokens: reads one account, for the <quota-usage> widget.' }
			},
			schemas: { Error: jsonSchema(s.responses.error, 'output') }
		},
		// What Quota POSTs to a registered endpoint (docs/integration-kit.md, "Webhooks to your backend").
		webhooks: Object.fromEntries(
			wh.webhookEvents.map((e) => [
				e.type,
				{
					post: {
						summary: e.summary,
						description: `${e.description} Signed with Standard Webhooks' \`webhook-id\`, \`webhook-timestamp\` and \`webhook-signature\` headers; delivered at least once.`,
						requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(e.body, 'output') } } },
						responses: { 200: { description: 'Received: any 2xx. Anything else, or no answer within 10 s, is retried (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h).' } }
					}
				}
			])
		),
		paths: {
			'/api/v1/key': {
				get: {
					...needs(null),
					summary: 'The API key this request is sent with: its kind, account and scopes (a cheap check that a key works; no database work while the key is known)',
					responses: { ...ok(200, s.responses.key, 'The key'), ...errors() }
				}
			},
			'/api/v1/balance': {
				get: {
					...needs('read'),
					summary: 'Balances per model, allowances, available and held tokens',
					parameters: targetParameters(s.targetQuery),
					responses: { ...ok(200, s.responses.balance, 'Balances'), ...errors(TARGET) }
				}
			},
			'/api/v1/feature-rates': {
				get: {
					...needs('read'),
					summary: 'All feature rates',
					responses: { ...ok(200, z.object({ success: z.literal(true), data: z.array(s.responses.featureRate) }), 'Rates'), ...errors() }
				}
			},
			'/api/v1/feature-rates/{featureKey}': {
				get: {
					...needs('read'),
					summary: "One feature's rate",
					parameters: parameters(s.featureParams, 'path', true),
					responses: { ...ok(200, z.object({ success: z.literal(true), data: s.responses.featureRate }), 'Rate'), ...errors(['not_found']) }
				}
			},
			'/api/v1/check': {
				post: {
					...needs('read'),
					summary: 'What an operation would cost and who would pay; changes nothing',
					requestBody: body(s.checkBody),
					responses: { ...ok(200, s.responses.check, 'Cost preview'), ...errors([...TARGET, ...BODY, 'unknown_feature', 'unknown_model', 'rate_limited']) }
				}
			},
			'/api/v1/consume': {
				post: {
					...needs('consume'),
					summary: 'Spend tokens for one use, atomically and at most once per Idempotency-Key',
					parameters: [idempotencyHeader(true)],
					requestBody: body(s.consumeBody),
					responses: { ...keyedOk(200, s.responses.consume, 'Spent'), ...errors(SPENDING) }
				}
			},
			'/api/v1/holds': {
				post: {
					...needs('consume'),
					summary: 'Reserve tokens for a running operation (a streaming reply)',
					parameters: [idempotencyHeader(true)],
					requestBody: body(s.holdBody),
					responses: { ...keyedOk(201, s.responses.hold, 'Held'), ...errors(SPENDING) }
				}
			},
			'/api/v1/holds/{hold_id}/settle': {
				post: {
					...needs('consume'),
					summary: 'Charge the real amount (≤ held); the rest is released',
					parameters: [...parameters(s.holdParams, 'path', true), idempotencyHeader(false)],
					requestBody: body(s.settleBody),
					responses: { ...keyedOk(200, s.responses.settle, 'Settled'), ...errors(CLOSING, 'a `tokens` above what the hold holds (`details.fieldErrors.tokens` says the held figure)') }
				}
			},
			'/api/v1/holds/{hold_id}/release': {
				post: {
					...needs('consume'),
					summary: 'Give every held token back (no body needed)',
					parameters: [...parameters(s.holdParams, 'path', true), idempotencyHeader(false)],
					requestBody: body(s.emptyBody, false),
					responses: { ...keyedOk(200, s.responses.settle, 'Released'), ...errors(CLOSING.filter((c) => c !== 'invalid_input')) }
				}
			},
			'/api/v1/grants': {
				post: {
					...needs('grant'),
					summary: 'Grant bonus, referral, event or admin tokens, or unlimited use',
					parameters: [idempotencyHeader(true)],
					requestBody: body(s.grantBody),
					responses: { ...keyedOk(201, s.responses.grant, 'Granted'), ...errors([...TARGET, ...BODY, ...IDEMPOTENT, 'idempotency_key_missing', 'unknown_model'], `${NO_TARGET}, or a value the ledger refuses (an expiry in the past)`) }
				}
			},
			'/api/v1/grants/{lot_id}/end': {
				post: {
					...needs('grant'),
					description: `${needs('grant').description} Ends unlimited use, or expires now the tokens left in a lot not paid for (a bonus, referral, event or admin grant); spends after the end no longer use the lot. 404 \`not_found\` for a lot id that names no lot; 409 \`conflict\` for tokens paid for (a purchase or a subscription's: a refund through Paddle takes them back), a lot a running job holds tokens of (end it once the hold is settled or released), or one that has ended already (the message says when).`,
					summary: 'End a grant now: unlimited use, or the tokens left in a bonus (no body needed)',
					parameters: [...parameters(s.grantParams, 'path', true), idempotencyHeader(false, 'a grant ends once whatever you send (a second end answers 409 `conflict`, saying when it ended)')],
					requestBody: body(s.emptyBody, false),
					responses: {
						...keyedOk(200, s.responses.grantEnded, 'Ended: the lot expires now, recorded with your key as who ended it (the statement and the audit log say so; a `lot.expired` webhook follows)'),
						...errors(['not_found', 'conflict', ...BODY, ...IDEMPOTENT])
					}
				}
			},
			'/api/v1/usage': {
				get: {
					...needs('read'),
					summary: 'Usage history, newest first',
					parameters: targetParameters(s.usageQuery),
					responses: { ...ok(200, s.responses.usage, 'A page of usage'), ...errors(TARGET, `${NO_TARGET}, or a \`cursor\` this list did not give (\`details.fieldErrors.cursor\` says so)`) }
				}
			},
			'/api/v1/stream': {
				get: {
					...needs('read'),
					summary: "Server-Sent Events: the account's balance whenever it changes (a user or guest the site has never named is made only for a key with `consume` too, else 404 `not_found`)",
					parameters: [...targetParameters(s.targetQuery), ...parameters(s.lastEventIdHeader, 'header')],
					responses: {
						200: {
							description:
								'text/event-stream of `balance` events: `data` is the body of GET /api/v1/balance, `id` a digest of it (the same figures, the same id). ' +
								'When the key is revoked or paused (or its user disabled) meanwhile, a last `refused` event ends it at once: `data` is the refusal its next request gets (`{"error","message","details"?}`). ' +
								"A signed-in session's stream ends the same way when the session ends (401) or may no longer read the account (403: a team member removed)",
							content: { 'text/event-stream': { schema: { type: 'string' } } }
						},
						...errors(TARGET)
					}
				}
			},
			'/api/v1/webhook-endpoints': {
				get: {
					...needs('webhooks'),
					summary: "The site's webhook endpoints",
					responses: { ...ok(200, wh.webhookResponses.list, 'Every endpoint, newest first'), ...errors() }
				},
				post: {
					...needs('webhooks'),
					summary: 'Register an endpoint for some event types; the answer holds its signing secret, shown only once',
					requestBody: body(endpointInput),
					responses: { ...ok(201, wh.webhookResponses.created, 'Registered'), ...errors([...BODY, 'invalid_input', 'conflict'], URL_REFUSED) }
				}
			},
			'/api/v1/webhook-endpoints/{id}': {
				get: {
					...needs('webhooks'),
					summary: 'One endpoint',
					parameters: parameters(wh.endpointParams, 'path', true),
					responses: { ...ok(200, wh.webhookResponses.endpoint, 'The endpoint'), ...errors(['not_found']) }
				},
				patch: {
					...needs('webhooks'),
					summary: 'Change its URL, description or event types, or turn it off or on',
					parameters: parameters(wh.endpointParams, 'path', true),
					requestBody: body(endpointPatch, false),
					responses: { ...ok(200, wh.webhookResponses.endpoint, 'Changed'), ...errors(['not_found', ...BODY, 'invalid_input', 'conflict'], URL_REFUSED) }
				},
				delete: {
					...needs('webhooks'),
					summary: 'Delete it with its delivery log',
					parameters: parameters(wh.endpointParams, 'path', true),
					responses: { ...ok(200, wh.webhookResponses.deleted, 'Deleted'), ...errors(['not_found']) }
				}
			},
			'/api/v1/webhook-endpoints/{id}/rotate-secret': {
				post: {
					...needs('webhooks'),
					summary: `Rotate its signing secret: the new one is shown only in the answer; the old one signs every delivery too for ${PREVIOUS_SECRET_HOURS} hours`,
					description: `${needs('webhooks').description} Your receiver can switch to the new secret at its own pace: meanwhile each delivery's \`webhook-signature\` carries two signatures, space-separated, one per secret (a Standard Webhooks receiver accepts a delivery when any matches). After \`previous_secret_expires_at\` only the new secret signs. Rotating again meanwhile keeps the newest two: the secret replaced now signs beside the new one for ${PREVIOUS_SECRET_HOURS} hours, the oldest stops at once.`,
					parameters: parameters(wh.endpointParams, 'path', true),
					responses: { ...ok(200, wh.webhookResponses.rotated, 'Rotated'), ...errors(['not_found']) }
				}
			},
			'/api/v1/webhook-endpoints/{id}/deliveries': {
				get: {
					...needs('webhooks'),
					summary: 'The delivery log: each event sent to this endpoint, with its attempts',
					parameters: [...parameters(wh.endpointParams, 'path', true), ...parameters(wh.deliveriesQuery, 'query')],
					responses: { ...ok(200, wh.webhookResponses.deliveries, 'A page of deliveries, newest first'), ...errors(['not_found']) }
				}
			},
			'/api/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver': {
				post: {
					...needs('webhooks'),
					summary: 'Send a delivery again now, with the same event id and body',
					parameters: parameters(wh.redeliverParams, 'path', true),
					responses: { ...ok(202, wh.webhookResponses.redelivered, 'Queued'), ...errors(['not_found', 'conflict']) }
				}
			},
			'/api/v1/embed-tokens': {
				post: {
					...needs('read'),
					summary: 'A short-lived, read-only token for the <quota-usage> widget of one user or team (site keys; a user or guest the site has never named is made only for a key with `consume` too, else 404 `not_found`; none for a disabled user: 403 `forbidden`, `details.reason` `disabled`)',
					requestBody: body(em.embedTokenBody),
					responses: { ...ok(201, em.embedResponses.token, 'Made'), ...errors([...TARGET, ...BODY]) }
				}
			},
			'/api/v1/embed/summary': {
				get: {
					summary: 'What the widget shows: balance, allowances, allocations, recent use and purchases (embed token; CORS: any origin)',
					security: [{ embedToken: [] }],
					responses: { ...ok(200, em.embedResponses.summary, "The account's figures"), ...embedErrors }
				}
			},
			'/api/v1/embed/stream': {
				get: {
					summary:
						'Server-Sent Events: the summary (all but `store_url` and `expires_at`: balance, allocations, recent use, purchases, cap) now and after every change; ends within a minute, reconnect with Last-Event-ID; ends at once with a `refused` event (data: the 401 body a reconnect gets) when the site key is revoked or paused, or the team member the token names leaves the team (embed token; CORS: any origin)',
					security: [{ embedToken: [] }],
					parameters: parameters(s.lastEventIdHeader, 'header'),
					responses: {
						200: { description: 'text/event-stream of `balance` events', content: { 'text/event-stream': { schema: { type: 'string' } } } },
						...embedErrors
					}
				}
			}
		}
	};
}
