import { sql } from 'drizzle-orm';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { fetch, type Dispatcher } from 'undici';
import type { Db } from '../db';
import { queryRows } from '../db/client';
import { describeError, logFailure } from '../log';
import { noticeDisabled } from './notice';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';
import { privateUrlsAllowed, RefusedAddress, webhookAgent } from './address';

/**
 * Seconds to wait after each failed try: Standard Webhooks' suggested schedule (5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 10 h), so a delivery is tried 8 times over about 27 hours before it fails.
 */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000];

export interface DeliveryOptions {
	/** Deliveries in flight at once in this process. Default 20. */
	concurrency?: number;
	/** How long an endpoint may take to answer (ms); longer counts as a failure. Default 10,000. */
	timeoutMs?: number;
	retrySchedule?: number[];
	signal?: AbortSignal;
	/** Whether loopback and private addresses may be delivered to; WEBHOOK_PRIVATE_URLS unless given. */
	privateUrls?: boolean;
	/** Resolves host names (dns.lookup unless given); when private URLs are not allowed its every answer is checked. */
	lookup?: LookupFunction;
}

/** At most this many deliveries of one endpoint in flight: a slow endpoint cannot take every slot. */
const PER_ENDPOINT = 4;

interface Due {
	id: number;
	event_id: string;
	endpoint_id: string;
	attempts: number;
	url: string;
	/** The endpoint's secret, then the one a rotation replaced while it still signs. */
	secrets: string[];
	payload: unknown;
}

export interface AttemptResult {
	statusCode: number | null;
	latencyMs: number;
	excerpt: string | null;
	error: string | null;
	ok: boolean;
}

/**
 * Sends what is due until nothing is: claims pending deliveries of enabled endpoints (`FOR UPDATE
 * SKIP LOCKED` and a lease, so several processes share the work and none sends one twice at
 * once), POSTs each with its Standard Webhooks headers, and logs every attempt. Deliveries are
 * independent: a slow or failing endpoint holds at most PER_ENDPOINT of the `concurrency` slots
 * and its failures wait out their backoff while the rest goes on (no head-of-line blocking).
 * A 2xx answer delivers; anything else is tried again on `retrySchedule`; after the last try the
 * delivery fails, and an endpoint that failed every try for that long is turned off with a notice
 * to the site admins. Unless private URLs are allowed, a URL whose host is or resolves to a loopback,
 * private or link-local address is never connected to: its attempt fails "Refused: …". Returns how
 * many attempts were made.
 */
export async function deliverDue(db: Db, opts: DeliveryOptions = {}): Promise<number> {
	const timeoutMs = opts.timeoutMs ?? 10_000;
	const schedule = opts.retrySchedule ?? RETRY_SCHEDULE_SECONDS;
	const slots = opts.concurrency ?? 20;
	// The process's dispatcher for this setting, kept between runs: its keep-alive connections are reused.
	return deliverWith(db, webhookAgent(privateUrlsAllowed(opts.privateUrls), opts.lookup), { timeoutMs, schedule, slots, signal: opts.signal });
}

async function deliverWith(db: Db, dispatcher: Dispatcher, opts: { timeoutMs: number; schedule: number[]; slots: number; signal?: AbortSignal }): Promise<number> {
	const { timeoutMs, schedule, slots } = opts;
	const inFlight = new Set<Promise<void>>();
	let attempts = 0;
	while (!opts.signal?.aborted) {
		const due = inFlight.size < slots ? await claim(db, slots - inFlight.size, Math.ceil(timeoutMs / 1000) + 30) : [];
		for (const d of due) {
			const p: Promise<void> = send(dispatcher, d.url, d.secrets, d.event_id, d.payload, timeoutMs, opts.signal)
				.then((result) => record(db, d, result, schedule))
				.catch((e) => void logFailure('webhooks', `recording delivery ${d.id}`, e))
				.finally(() => inFlight.delete(p));
			inFlight.add(p);
		}
		attempts += due.length;
		if (!inFlight.size) break;
		// Claim again as soon as a slot frees (or at once when this claim filled none and slots are free).
		if (!due.length || inFlight.size >= slots) await Promise.race(inFlight);
	}
	await Promise.all(inFlight);
	return attempts;
}

function claim(db: Db, n: number, leaseSeconds: number): Promise<Due[]> {
	return db.rows<Due>(sql`
		with picked as (
		  select id from (
		    select d.id, d.next_attempt_at,
		           row_number() over (partition by d.endpoint_id order by d.next_attempt_at, d.id)
		             + (select count(*) from webhook_deliveries l where l.endpoint_id = d.endpoint_id and l.status = 'pending' and l.lease_until > now()) as place
		      from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id and e.enabled
		     where d.status = 'pending' and d.next_attempt_at <= now() and (d.lease_until is null or d.lease_until < now())) x
		   where place <= ${PER_ENDPOINT} order by next_attempt_at limit ${n}),
		locked as (
		  select d.id from webhook_deliveries d
		   where d.id in (select id from picked) and d.status = 'pending' and (d.lease_until is null or d.lease_until < now())
		   for update skip locked),
		claimed as (
		  update webhook_deliveries d set lease_until = now() + make_interval(secs => ${leaseSeconds}), attempts = d.attempts + 1
		    from locked where d.id = locked.id
		  returning d.id, d.event_id, d.endpoint_id, d.attempts)
		select c.*, e.url, ev.payload,
		       -- As JSON: both drivers give it back as an array (on PostgreSQL a raw text[] comes back as its text).
		       to_jsonb(array_remove(array[e.secret, case when e.previous_secret_expires_at > now() then e.previous_secret end], null)) as secrets
		  from claimed c join webhook_endpoints e on e.id = c.endpoint_id join webhook_events ev on ev.id = c.event_id`);
}

/** Keep this much of an answer in the log (characters). */
const EXCERPT = 500;

/**
 * One POST through `dispatcher` (which decides where it may connect), signed with each of `secrets`
 * (the current one, and during a rotation the one it replaced): Standard Webhooks' space-separated
 * signatures, any of which the receiver may verify with. Never throws.
 */
export async function send(dispatcher: Dispatcher, url: string, secrets: string[], eventId: string, payload: unknown, timeoutMs: number, signal?: AbortSignal): Promise<AttemptResult> {
	const body = JSON.stringify(payload);
	const now = new Date();
	const signature = secrets.map((secret) => new Webhook(secret).sign(eventId, now, body)).join(' ');
	const started = performance.now();
	const timeout = AbortSignal.timeout(timeoutMs);
	try {
		const res = await fetch(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'user-agent': 'Quota-Webhooks/1',
				'webhook-id': eventId,
				'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
				'webhook-signature': signature
			},
			body,
			redirect: 'manual',
			signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
			dispatcher
		});
		const text = await res.text().catch(() => '');
		return { statusCode: res.status, latencyMs: Math.round(performance.now() - started), excerpt: text.slice(0, EXCERPT) || null, error: null, ok: res.status >= 200 && res.status < 300 };
	} catch (e) {
		const error = timeout.aborted ? `No answer within ${timeoutMs / 1000} s` : connectionError(e);
		return { statusCode: null, latencyMs: Math.round(performance.now() - started), excerpt: null, error, ok: false };
	}
}

/** What the usual causes of a failed connection mean, said before their code (which a developer searches for). */
const CONNECTION_WORDS: Record<string, string> = {
	ECONNREFUSED: 'nothing listens at that address and port',
	ENOTFOUND: 'no such host name',
	EAI_AGAIN: 'its host name could not be looked up just now',
	ECONNRESET: 'the connection was cut',
	ETIMEDOUT: 'the connection took too long',
	EHOSTUNREACH: 'the host cannot be reached',
	ENETUNREACH: 'the network cannot be reached',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
	SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is signed by an unknown authority',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
	ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name'
};

/**
 * Why fetch failed: an address refused (not public), or its cause's code in words with the code
 * ("Could not connect: nothing listens at that address and port (ECONNREFUSED)"; a code not in
 * CONNECTION_WORDS alone), else the cause's own words (fetch's "bad port" has no code), never the body.
 */
function connectionError(e: unknown): string {
	const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
	if (cause instanceof RefusedAddress) return `Refused: ${cause.message}, and webhooks go to public addresses only`;
	if (typeof cause?.code === 'string') return `Could not connect: ${Object.hasOwn(CONNECTION_WORDS, cause.code) ? `${CONNECTION_WORDS[cause.code]} (${cause.code})` : cause.code}`;
	if (typeof cause?.message === 'string' && cause.message) return `Could not connect: ${cause.message}`;
	return `Could not connect: ${describeError(e).split('\n')[0]!}`;
}

async function record(db: Db, d: Due, r: AttemptResult, schedule: number[]): Promise<void> {
	const outOfTries = !r.ok && d.attempts > schedule.length;
	await db.orm.transaction(async (tx) => {
		await tx.execute(sql`
			insert into webhook_attempts (delivery_id, endpoint_id, status_code, latency_ms, response_excerpt, error)
			values (${d.id}, ${d.endpoint_id}::uuid, ${r.statusCode}, ${r.latencyMs}, ${r.excerpt}, ${r.error})`);
		const next = r.ok || outOfTries ? sql`next_attempt_at` : sql`now() + make_interval(secs => ${schedule[d.attempts - 1]!})`;
		await tx.execute(sql`
			update webhook_deliveries set lease_until = null, next_attempt_at = ${next},
			       status = ${r.ok ? 'delivered' : outOfTries ? 'failed' : 'pending'}, delivered_at = ${r.ok ? sql`now()` : null}
			 where id = ${d.id}`);
		if (!outOfTries) return;
		// Persistent failure: not one answer from this endpoint succeeded since this delivery began.
		const [off] = await queryRows<{ id: string; url: string; hours: number; disabled_at: string }>(
			tx,
			sql`update webhook_endpoints e set enabled = false, disabled_at = now(), updated_at = now()
			     where e.id = ${d.endpoint_id}::uuid and e.enabled
			       and not exists (select 1 from webhook_attempts a where a.endpoint_id = e.id and a.status_code between 200 and 299
			                         and a.at >= (select created_at from webhook_deliveries where id = ${d.id}))
			    returning e.id, e.url, e.disabled_at,
			              (select round(extract(epoch from now() - created_at) / 3600)::int from webhook_deliveries where id = ${d.id}) as hours`
		);
		if (!off) return;
		const reason = `Turned off automatically: every delivery failed for ${counted(off.hours, 'hour', plainFormatter.tokens)} (${plainFormatter.tokens(d.attempts)} tries of event ${d.event_id}).`;
		await tx.execute(sql`update webhook_endpoints set disabled_reason = ${reason} where id = ${off.id}::uuid`);
		await noticeDisabled(tx, { id: off.id, url: off.url, reason, disabledAt: new Date(off.disabled_at).toISOString() });
	});
}
