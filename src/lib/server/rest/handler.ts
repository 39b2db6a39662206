import { json, type RequestEvent, type RequestHandler } from '@sveltejs/kit';
import { z } from 'zod';
import { getDb, type Db, type Executor } from '../db';
import { authenticateApiKey, callerAccount, callerScope, onCallerAccount, poolMember, requireKeyScope, type AccessLevel, type ApiKeyAuth, type ApiKeyScope, type Auth, type RetriedOn, type Target } from '../accounts';
import { spenderOfKey, type Actor } from '../ledger';
import { DomainError, fieldRefusal } from '../errors';
import { errorResponse, HttpError, invalidInput } from '../http/refusals';
import { clientAddress } from '../http/client-address';
import { nonJsonBody, sendsNonJson } from '../http/json-only';
import { KeyRateLimiter } from './rate-limit';
import { idempotencyHeader, MAX_IDEMPOTENCY_KEY } from './schemas';
import { assertStorable, assertStorableHeaders } from '../storable';
import { config } from '../config';
import { RETRY_AFTER_SECONDS } from '../db/outage';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';

const storable = <T>(value: T): T => {
	assertStorable(value);
	return value;
};

const MAX_BODY_BYTES = 64 * 1024;
const BODY_LIMIT = `The body is limited to ${counted(MAX_BODY_BYTES, 'byte', plainFormatter.tokens)}.`;
const meteringLimiter = new KeyRateLimiter(2_000, 4_000);

type IdempotencyRule = 'required' | 'optional' | undefined;

export interface RestContext<B, Q, P = Record<string, string>, I extends IdempotencyRule = undefined> {
	db: Db;
	event: RequestEvent;
	/** The API key (REST callers), or null when a signed-in session called. */
	key: ApiKeyAuth | null;
	session: Auth | null;
	body: B;
	query: Q;
	/** The path parameters, parsed by the route's `params` schema when it has one. */
	params: P;
	/** Who acts, as the ledger records it: the signed-in user or the API key. */
	actor: Actor;
	/** The caller's address, for the audit entries the call writes. */
	ip: string | null;
	/** The Idempotency-Key, scoped to the caller (a required key is always there). */
	idempotency: { scope: string; key: I extends 'required' ? string : string | null };
	/**
	 * The account this call acts on (`callerAccount`): the one a key's `target` names, or for a
	 * signed-in user their own or a team's they name, else their active pool. A host's user or guest not seen yet is made and kept: for the calls that
	 * hand out an account to follow (embed tokens, the event stream); the others use `onAccount`.
	 */
	account(target: Target, level: AccessLevel): Promise<string>;
	/**
	 * Runs `use` on that account (`onCallerAccount`): a host's user or guest not seen yet is made
	 * inside `use`'s transaction and kept only by a `spend` that succeeds, so a refused spend or a
	 * read leaves nothing behind. Read and write through the executor `use` is given.
	 */
	onAccount<T>(target: Target, level: 'read' | 'spend', use: (exec: Executor, accountId: string) => Promise<T>, retried?: RetriedOn): Promise<T>;
}

export interface RestResult {
	status?: number;
	body: unknown;
	headers?: Record<string, string>;
}

interface EndpointOptions<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, I extends IdempotencyRule> {
	/** key: Bearer API key; key-or-session: also a signed-in browser session. */
	auth: 'key' | 'key-or-session';
	/**
	 * The scope a key needs for this route, checked right after the key, before the request's body, query or
	 * Idempotency-Key is read or anything looked up (the OpenAPI document says the same per operation); null only where any key may ask
	 * (what the key itself is).
	 */
	scope: ApiKeyScope | null;
	body?: B;
	/** The query's schema; none: the route takes no query, and any parameter is refused (400 naming it), never ignored. */
	query?: Q;
	/** The route parses its query itself, with `parseQuery` (the event stream: a key's target, a session's account). */
	ownQuery?: true;
	params?: P;
	idempotencyKey?: I;
	/** Metering endpoints share a per-key rate limit. */
	metered?: boolean;
	/** A JSON answer, or a whole Response for a route that is not JSON (the event stream). */
	handle: (ctx: RestContext<z.infer<B>, z.infer<Q>, z.infer<P>, I>) => Promise<RestResult | Response>;
}

async function readJson(request: Request): Promise<unknown> {
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > MAX_BODY_BYTES) throw new HttpError('payload_too_large', BODY_LIMIT);
	const text = await request.text();
	if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new HttpError('payload_too_large', BODY_LIMIT);
	if (!text.trim()) return {};
	try {
		return JSON.parse(text);
	} catch {
		throw new HttpError('invalid_json', 'The body is not valid JSON.');
	}
}

function bearer(request: Request): string | null {
	const header = request.headers.get('authorization');
	if (!header) return null;
	const m = /^Bearer\s+(\S+)$/i.exec(header);
	if (!m) throw new DomainError('unauthorized', 'Use Authorization: Bearer <api key>.');
	return m[1]!;
}

/**
 * The query as one value per name, as every route's schema reads it. A name sent twice
 * (`?user=a&user=b`) is a malformed request, 400 `invalid_input` naming it: which of the values a
 * route acted on would otherwise be an accident of parsing.
 */
function singleValued(params: URLSearchParams): Record<string, string> {
	const seen: Record<string, string> = {};
	for (const [name, value] of params) {
		if (Object.hasOwn(seen, name)) {
			const words = `Send "${name}" once: the query names it ${counted(params.getAll(name).length, 'time', plainFormatter.tokens)}.`;
			throw new HttpError('invalid_input', words, { formErrors: [], fieldErrors: { [name]: [words] } }, {}, 400);
		}
		seen[name] = value;
	}
	return seen;
}

/** A schema's parse whose refusal says where the input was: "(the body has "unit": did you mean "units"?)". */
function parseFrom<S extends z.ZodType>(schema: S, value: unknown, source: 'body' | 'query'): z.infer<S> {
	const parsed = schema.safeParse(value);
	if (!parsed.success) throw invalidInput(parsed.error, source);
	return parsed.data;
}

/** The query of a route that takes none: a parameter it would ignore (`?user=` on a POST, a misspelt filter) is refused. */
export const noQuery = z.strictObject({});

/** `url`'s query parsed by `schema` (one value per name), refused as every route's is: 400 `invalid_input` naming the parameter. */
export const parseQuery = <S extends z.ZodType>(schema: S, url: URL): z.infer<S> => parseFrom(schema, storable(singleValued(url.searchParams)), 'query');

/** A REST v1 route: authenticate, validate, call one domain function, map the answer or the error. */
export function endpoint<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined, I extends IdempotencyRule = undefined>(
	opts: EndpointOptions<B, Q, P, I>
): RequestHandler {
	return async (event) => {
		try {
			return await answerWithin(config().API_ANSWER_WITHIN_SECONDS, event.request, (clientSends) => respond(event, clientSends));
		} catch (e) {
			return errorResponse(e, event);
		}
	};

	async function respond(event: RequestEvent, clientSends: ClientSends): Promise<Response> {
		const db = await getDb();
		const value = bearer(event.request);
		let key: ApiKeyAuth | null = null;
		let session: Auth | null = null;
		if (value) key = await authenticateApiKey(db, value);
		else if (opts.auth === 'key-or-session' && event.locals.auth) session = event.locals.auth;
		else throw new DomainError('unauthorized', opts.auth === 'key' ? 'Send Authorization: Bearer <api key>.' : 'Sign in, or send Authorization: Bearer <api key>.');
		// Refusals in the order a client can act on them: who it is (401), what its key may do (403), when (429),
		// then what it sent. A key that may never make this call is told so, not led to mend a body for it.
		if (key && opts.scope) requireKeyScope(key, opts.scope);
		if (opts.metered && key) meteringLimiter.take(key.keyId);

		// Unstorable text in the headers, path, query or body is refused here, after the key (not by the first hook).
		assertStorableHeaders(event.request.headers);
		const params = opts.params ? opts.params.parse(storable(event.params)) : event.params;
		const query = opts.ownQuery ? undefined : parseQuery(opts.query ?? noQuery, event.url);
		if (sendsNonJson(event.request)) throw nonJsonBody();
		const body = opts.body ? parseFrom(opts.body, storable(await clientSends(() => readJson(event.request))), 'body') : undefined;

		const idem = event.request.headers.get('idempotency-key');
		if (opts.idempotencyKey === 'required' && idem === null) {
			throw new HttpError('idempotency_key_missing', `Send an Idempotency-Key header (1–${counted(MAX_IDEMPOTENCY_KEY, 'character', plainFormatter.tokens)}) so retries spend once.`);
		}
		if (idem !== null) idempotencyHeader.parse({ 'Idempotency-Key': idem });
		const caller = { key, session };
		const result = await opts.handle({
			db,
			event,
			key,
			session,
			body: body as z.infer<B>,
			query: query as z.infer<Q>,
			params: params as z.infer<P>,
			actor: { userId: session?.user.id ?? null, keyId: key?.keyId ?? null },
			ip: clientAddress(event),
			idempotency: { scope: callerScope(caller), key: idem as string },
			account: (target, level) => callerAccount(db, caller, target, level),
			onAccount: (target, level, use, retried) => onCallerAccount(db, caller, target, level, use, retried)
		});
		if (result instanceof Response) return result;
		return json(result.body, { status: result.status ?? 200, headers: { 'cache-control': 'no-store', ...result.headers } });
	}
}

/** Runs `wait`, something the call waits on the client for (its body arriving), with the deadline's clock stopped. */
type ClientSends = <T>(wait: () => Promise<T>) => Promise<T>;

/**
 * `work()`'s answer, or past `seconds` a 503 `unavailable` with Retry-After: a database that stops
 * answering (frozen, its network dropping packets, a lock held for long) would otherwise hold the
 * call until TCP gives up, minutes, and an AI app waiting to meter a reply with it. The work left
 * behind goes on and may still commit: a write's refusal says so, and its retry with the same
 * Idempotency-Key gets the one answer (a keyed write takes effect once). The clock stops while the
 * body arrives (`clientSends`): a slow upload is the client's network, not the database, and Node's
 * own request timeout answers one that never ends (408).
 */
async function answerWithin(seconds: number, request: Request, work: (clientSends: ClientSends) => Promise<Response>): Promise<Response> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let leftMs = seconds * 1000;
	let since = 0;
	let giveUp!: (e: HttpError) => void;
	const late = new Promise<never>((_, reject) => (giveUp = reject));
	const run = () => {
		since = Date.now();
		timer = setTimeout(() => giveUp(notAnswered(seconds, request)), Math.max(leftMs, 0));
	};
	const stop = () => {
		clearTimeout(timer);
		leftMs -= Date.now() - since;
	};
	const clientSends: ClientSends = async (wait) => {
		stop();
		try {
			return await wait();
		} finally {
			run();
		}
	};
	run();
	const answer = work(clientSends);
	answer.catch(() => {}); // past the deadline nobody awaits it: a later failure is not unhandled
	try {
		return await Promise.race([answer, late]);
	} finally {
		stop();
	}
}

function notAnswered(seconds: number, request: Request): HttpError {
	const again = `send it again in ${RETRY_AFTER_SECONDS} s (Retry-After)`;
	const then =
		request.method === 'GET'
			? `Nothing changed: ${again}.`
			: request.headers.has('idempotency-key')
				? `The request may still take effect: ${again} with the same Idempotency-Key to get its one answer.`
				: 'The request may still take effect: look before sending it again (with an Idempotency-Key, a retry takes effect once).';
	return new HttpError('unavailable', `Quota's database did not answer within ${seconds} s. ${then}`, undefined, { 'retry-after': String(RETRY_AFTER_SECONDS) });
}

/**
 * The headers of a keyed write's answer: `idempotent-replayed: true` when it is the stored first
 * answer given again (its body is that answer, byte for byte), none on the first.
 */
export const replayHeaders = (replayed: boolean): Record<string, string> | undefined => (replayed ? { 'idempotent-replayed': 'true' } : undefined);

/** A spending endpoint's options (consume, hold): a key with the consume scope or a session, a required Idempotency-Key, the metering rate limit. */
export const spending = { auth: 'key-or-session', scope: 'consume', idempotencyKey: 'required', metered: true } as const;

interface SpendingBody extends Target {
	/** With `team`: the member spending from its pool (schemas.ts memberField). */
	member?: string;
	feature: string;
	model?: string | null;
	metadata?: Record<string, unknown> | null;
}

/**
 * Runs a spending call (consume, hold) through `spend`, given what it sends the ledger besides its
 * amounts: the executor to spend through and the account (checked for `spend`; a host's new user
 * is kept only when the spend succeeds), feature, model, who acts, the key, metadata.
 */
export function spendingRequest<T>(ctx: RestContext<SpendingBody, unknown, unknown, 'required'>, spend: (exec: Executor, request: SpendingRequest) => Promise<T>): Promise<T> {
	const { feature, model, metadata } = ctx.body;
	const { scope, key } = ctx.idempotency;
	// Signed in, a retry of their use of a team's pool after they left it (the same key) replays its answer, as a member's does for a site key.
	const theirs = ctx.session?.user.id;
	const retried = async (accountId: string) => theirs !== undefined && (await spenderOfKey(ctx.db.orm, accountId, scope, key)) === theirs;
	return ctx.onAccount(
		ctx.body,
		'spend',
		async (exec, accountId) => spend(exec, { accountId, feature, model, actor: { ...ctx.actor, userId: await spender(ctx, exec, accountId) }, idempotency: ctx.idempotency, metadata: metadata ?? null }),
		retried
	);
}

/**
 * Who spends (or would, for a check) from `accountId`: the signed-in user, or for a site key the team `member`
 * the body names (accounts poolMember: 422 naming `member` when not one of the team's), else nobody: the
 * team's own use; a retry (the same Idempotency-Key) of a member's use still names them after they left the team,
 * and the ledger replays its answer. Errors: invalid_input on `member` sent by a signed-in caller, who spends as themselves.
 */
export async function spender(ctx: RestContext<{ member?: string }, unknown, unknown, IdempotencyRule>, exec: Executor, accountId: string): Promise<string | null> {
	const { member } = ctx.body;
	if (member === undefined) return ctx.session?.user.id ?? null;
	if (ctx.session) throw fieldRefusal('member', 'member is for site keys: signed in, you spend as yourself. Leave it out.');
	const { scope, key } = ctx.idempotency;
	return poolMember(exec, accountId, member, key === null ? undefined : () => spenderOfKey(exec, accountId, scope, key));
}

interface SpendingRequest {
	accountId: string;
	feature: string;
	model?: string | null;
	actor: Actor;
	idempotency: { scope: string; key: string };
	metadata: Record<string, unknown> | null;
}
