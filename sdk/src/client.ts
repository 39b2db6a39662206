import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './openapi.js';
import { errorFrom } from './errors.js';
import { defaultRetryPolicy, retryAfterMs, retrying, type RetryPolicy } from './retry.js';
import { serverSentEvents } from './sse.js';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;
type Post<P extends keyof paths> = NonNullable<paths[P]['post']>;
type Get<P extends keyof paths> = NonNullable<paths[P]['get']>;

/** Site keys name the account (exactly one of these); account keys name none. */
export interface Target {
	/** A Quota user id or the host site's own user id (a new one is made by its first consume, hold, grant, embed token or `stream` that succeeds, the last two only for a key with `consume`; balance, check and usage make nobody). */
	user?: string;
	/** A team id (its shared pool). */
	team?: string;
	/** An anonymous visitor id. */
	guest?: string;
}
export type CheckRequest = Json<Post<'/api/v1/check'>['requestBody']>;
export type CheckResult = Json<Post<'/api/v1/check'>['responses'][200]>;
export type ConsumeRequest = Json<Post<'/api/v1/consume'>['requestBody']>;
export type ConsumeResult = Json<Post<'/api/v1/consume'>['responses'][200]>;
export type HoldRequest = Json<Post<'/api/v1/holds'>['requestBody']>;
export type Hold = Json<Post<'/api/v1/holds'>['responses'][201]>;
export type SettleResult = Json<Post<'/api/v1/holds/{hold_id}/settle'>['responses'][200]>;
export type GrantRequest = Json<Post<'/api/v1/grants'>['requestBody']>;
export type GrantResult = Json<Post<'/api/v1/grants'>['responses'][201]>;
export type GrantEnded = Json<Post<'/api/v1/grants/{lot_id}/end'>['responses'][200]>;
export type Balance = Json<Get<'/api/v1/balance'>['responses'][200]>;
export type EmbedTokenRequest = Json<Post<'/api/v1/embed-tokens'>['requestBody']>;
export type EmbedToken = Json<Post<'/api/v1/embed-tokens'>['responses'][201]>;
export type UsagePage = Json<Get<'/api/v1/usage'>['responses'][200]>;
export type KeyInfo = Json<Get<'/api/v1/key'>['responses'][200]>;
export type FeatureRates = Json<Get<'/api/v1/feature-rates'>['responses'][200]>;
export type FeatureRate = Json<Get<'/api/v1/feature-rates/{featureKey}'>['responses'][200]>;
export type UsageRow = UsagePage['data'][number];

export interface QuotaOptions {
	/** Where Quota runs, e.g. `https://quota.example.com`. */
	baseUrl: string;
	/** A Quota API key (`qk_…`): a site key, or an account key. Keep it on your server. */
	apiKey: string;
	/** The fetch to use (default: the runtime's global `fetch`). */
	fetch?: (request: Request) => Promise<Response>;
	/** How calls are retried; see `RetryPolicy` for the defaults. */
	retry?: Partial<RetryPolicy>;
}

export interface CallOptions {
	/** Sent as `Idempotency-Key`; one is made when none is given. Retries always reuse it. */
	idempotencyKey?: string;
	signal?: AbortSignal;
}

interface Answer<T> {
	data?: T;
	error?: unknown;
	response: Response;
}

/** The answer's data, or its typed error (`InsufficientTokens`, `HoldExpired`, …). */
async function unwrap<T>(answer: Promise<Answer<T>>): Promise<T> {
	const { data, error, response } = await answer;
	if (response.ok) return data as T;
	const wait = retryAfterMs(response.headers.get('retry-after'));
	throw errorFrom(response.status, error, wait === null ? undefined : Math.ceil(wait / 1000));
}

const newKey = () => globalThis.crypto.randomUUID();

/**
 * A call's query as sent: text and numbers only. In plain JavaScript an option put in the query
 * (`stream({ user, signal })`) would go out as fields named "signal[aborted]", …, which the server
 * refuses by those names: refused here instead (TypeError), naming the field and where an option goes.
 */
function queryOf<Q extends object>(query: Q): Q {
	for (const [name, value] of Object.entries(query)) {
		if (value === undefined || typeof value === 'string' || typeof value === 'number') continue;
		const option = name === 'signal' ? ': pass { signal } as the second argument, the options' : '';
		throw new TypeError(`Quota: "${name}" is not a query field of this call (text or a number)${option}.`);
	}
	return query;
}

function delay(ms: number, signal?: AbortSignal): Promise<boolean> {
	return new Promise((resolve) => {
		if (signal?.aborted) return resolve(false);
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', stop);
			resolve(true);
		}, ms);
		const stop = () => {
			clearTimeout(timer);
			resolve(false);
		};
		signal?.addEventListener('abort', stop, { once: true });
	});
}

/**
 * A client for Quota's metering API (REST v1). Every method sends the API key, retries what is
 * safe to retry (see `retrying`) and throws a typed `QuotaError` for a refusal. Amounts are tokens.
 */
export class Quota {
	private readonly api: Client<paths>;

	constructor(options: QuotaOptions) {
		const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
		this.api = createClient<paths>({
			baseUrl: options.baseUrl.replace(/\/+$/, ''),
			headers: { authorization: `Bearer ${options.apiKey}` },
			fetch: retrying(send, { ...defaultRetryPolicy, ...options.retry })
		});
	}

	/** What an operation would cost and who would pay; changes nothing. `allowed: false` carries the limit `message`. */
	check(body: CheckRequest, options: { signal?: AbortSignal } = {}): Promise<CheckResult> {
		return unwrap(this.api.POST('/api/v1/check', { body, signal: options.signal }));
	}

	/** Spends tokens for one use, at most once per idempotency key. Throws `LimitReached` subclasses when refused. */
	consume(body: ConsumeRequest, options: CallOptions = {}): Promise<ConsumeResult> {
		const header = { 'Idempotency-Key': options.idempotencyKey ?? newKey() };
		return unwrap(this.api.POST('/api/v1/consume', { body, params: { header }, signal: options.signal }));
	}

	/** Reserves up to `max_tokens` for a running operation; settle or release it (it expires after `ttl_seconds`). */
	hold(body: HoldRequest, options: CallOptions = {}): Promise<Hold> {
		const header = { 'Idempotency-Key': options.idempotencyKey ?? newKey() };
		return unwrap(this.api.POST('/api/v1/holds', { body, params: { header }, signal: options.signal }));
	}

	/** Charges `tokens` (at most what is held) and gives the rest back. */
	settle(holdId: string, tokens: number, options: CallOptions = {}): Promise<SettleResult> {
		const header = { 'Idempotency-Key': options.idempotencyKey ?? newKey() };
		return unwrap(this.api.POST('/api/v1/holds/{hold_id}/settle', { params: { path: { hold_id: holdId }, header }, body: { tokens }, signal: options.signal }));
	}

	/** Gives every held token back. */
	release(holdId: string, options: CallOptions = {}): Promise<SettleResult> {
		const header = { 'Idempotency-Key': options.idempotencyKey ?? newKey() };
		return unwrap(this.api.POST('/api/v1/holds/{hold_id}/release', { params: { path: { hold_id: holdId }, header }, body: {}, signal: options.signal }));
	}

	/**
	 * Grants bonus, referral, event or admin tokens, or unlimited use (`unlimited: true`, no `tokens`), to a user or team
	 * (site keys). A used key answers the first grant again, unchanged.
	 */
	grant(body: GrantRequest, options: CallOptions = {}): Promise<GrantResult> {
		const header = { 'Idempotency-Key': options.idempotencyKey ?? newKey() };
		return unwrap(this.api.POST('/api/v1/grants', { body, params: { header }, signal: options.signal }));
	}

	/**
	 * Ends a grant now (its `lot_id`; site keys): unlimited use stops, or the tokens left in a lot not paid
	 * for (a bonus, referral, event or admin grant) expire (`tokens` says how many); spends after it no
	 * longer use it. Throws `Conflict` for tokens paid for, a lot a running job holds tokens of, or a grant
	 * that has ended already (a retry with the same key answers the first end instead), `NotFound` for an
	 * unknown lot.
	 */
	endGrant(lotId: string, options: CallOptions = {}): Promise<GrantEnded> {
		const header = { 'Idempotency-Key': options.idempotencyKey ?? newKey() };
		return unwrap(this.api.POST('/api/v1/grants/{lot_id}/end', { params: { path: { lot_id: lotId }, header }, body: {}, signal: options.signal }));
	}

	/**
	 * A short-lived, read-only token for the `<quota-usage>` widget of one `user` or `team` (site
	 * keys): give `token` to that user's page. With `team`, `member` names the member viewing the pool
	 * (your user id or a Quota user id; not a member: 422 `invalid_input`), and the widget says what
	 * their cap leaves them, as their dashboard does. It reads that account only and stops at
	 * `expires_at` (`ttl_seconds`, 60–3600, default 900) or when this site key is revoked. Changes
	 * nothing, so it is retried like a read.
	 */
	embedToken(body: EmbedTokenRequest, options: { signal?: AbortSignal } = {}): Promise<EmbedToken> {
		return unwrap(this.api.POST('/api/v1/embed-tokens', { body, signal: options.signal }));
	}

	/**
	 * The API key this client sends: its kind (`site` or `account`), account and scopes. A cheap check
	 * that the key works (no database work while the server knows the key): throws `Unauthorized`
	 * for a revoked or unknown key, `Forbidden` for a paused one.
	 */
	key(options: { signal?: AbortSignal } = {}): Promise<KeyInfo> {
		return unwrap(this.api.GET('/api/v1/key', { signal: options.signal }));
	}

	/** Every feature's rate (tokens per unit, per model where it differs): what a use will cost before it is made. Needs the `read` scope. */
	featureRates(options: { signal?: AbortSignal } = {}): Promise<FeatureRates> {
		return unwrap(this.api.GET('/api/v1/feature-rates', { signal: options.signal }));
	}

	/** One feature's rate, by its key (`ai_bots`); throws `NotFound` for a key there is none of. Needs the `read` scope. */
	featureRate(featureKey: string, options: { signal?: AbortSignal } = {}): Promise<FeatureRate> {
		return unwrap(this.api.GET('/api/v1/feature-rates/{featureKey}', { params: { path: { featureKey } }, signal: options.signal }));
	}

	/** Balances per model, free allowances, `available` and `held` tokens. */
	async balance(target: Target = {}, options: { signal?: AbortSignal } = {}): Promise<Balance> {
		return unwrap(this.api.GET('/api/v1/balance', { params: { query: queryOf(target) }, signal: options.signal }));
	}

	/**
	 * Usage history, newest first, one page per step (`limit` rows each, default 50): fetches the
	 * next page only when the loop asks for it.
	 */
	async *usage(query: Target & { limit?: number } = {}, options: { signal?: AbortSignal } = {}): AsyncGenerator<UsagePage> {
		queryOf(query);
		let cursor: string | undefined;
		do {
			const page = await unwrap(this.api.GET('/api/v1/usage', { params: { query: { ...query, cursor } }, signal: options.signal }));
			yield page;
			cursor = page.next_cursor ?? undefined;
		} while (cursor);
	}

	/**
	 * The account's balance now and after every change, for as long as the loop runs (break out of
	 * it, or abort `signal`, to stop). A dropped connection is opened again after the time the
	 * server asked (`retry`), with `Last-Event-ID`, so figures that did not change in between are
	 * not repeated. Refusals (a bad key, an account the key may not read) and a server unreachable
	 * past the retry budget end the loop with their error; so does the key's revocation or pause
	 * while the loop runs, at once (the server ends the stream with a `refused` event).
	 */
	async *stream(target: Target = {}, options: { signal?: AbortSignal } = {}): AsyncGenerator<Balance> {
		const { signal } = options;
		queryOf(target);
		let lastId: string | undefined;
		let retryMs = 3000;
		for (;;) {
			let body: ReadableStream<Uint8Array>;
			try {
				const header = lastId ? { 'Last-Event-ID': lastId } : {};
				const answer = this.api.GET('/api/v1/stream', { params: { query: target, header }, parseAs: 'stream', signal });
				body = (await unwrap(answer)) as ReadableStream<Uint8Array>;
			} catch (e) {
				if (signal?.aborted) return;
				throw e;
			}
			// The key stopped working while the stream was open: asked again at once, to end the loop with the refusal (status and all).
			let refused = false;
			try {
				for await (const event of serverSentEvents(body)) {
					if (event.retry !== null) retryMs = event.retry;
					if (event.event === 'refused') {
						refused = true;
						break;
					}
					if (event.event !== 'balance') continue;
					lastId = event.id ?? undefined;
					yield JSON.parse(event.data) as Balance;
				}
			} catch {
				// The connection dropped: opened again below.
			}
			if (!refused && !(await delay(retryMs, signal))) return;
		}
	}
}
