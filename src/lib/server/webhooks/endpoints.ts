import { desc, eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { atMostCharacters, readableText } from '../fields';
import type { Db, Executor } from '../db';
import { webhookEndpoints } from '../db/schema';
import { DomainError, parseInput } from '../errors';
import { domainEventTypes } from '../domain-events';
import { audit, changedByWords } from '../accounts';
import type { WebhookActor } from './operator';
import { privateUrlsAllowed, urlRefusal } from './address';
import { hostNameFits, MAX_WEBHOOK_URL } from '../../webhook-url';
import { PREVIOUS_SECRET_HOURS } from '../../webhook-secret';

/** An endpoint as the site admin sees it: never its secret (shown once, at creation or rotation). */
export interface EndpointView {
	id: string;
	url: string;
	description: string;
	eventTypes: string[];
	enabled: boolean;
	/** Why it was turned off (by the admin, or automatically after failing for about a day). */
	disabledReason: string | null;
	disabledAt: string | null;
	/** Until when the secret a rotation replaced signs too; null when only the current one signs. */
	previousSecretExpiresAt: string | null;
	createdAt: string;
}

/**
 * http(s), a host name or IPv4 address (in any form the URL parser reads as one, so that 0x7f.1 is
 * refused as the loopback address it is), an optional port (1–65535), then a path/query without
 * spaces. Not every match parses ("a.0": a last part that is a number makes the host an IPv4
 * address, and that one is none; "xn--a": no internationalized name): `checkParses` refuses those, as
 * a rule (422), not a schema error.
 */
const URL_PATTERN = /^https?:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::(?:6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}))?(?:[/?#]\S*)?$/;

/**
 * The host name's lengths, which the pattern cannot say (hostNameFits reads the host as the URL parser
 * gives it), stated in the document so a client knows before the API refuses it.
 */
const HOST_NAME_RULE = 'Its host name is at most 253 characters, each part between dots at most 63 characters (a longer name cannot be looked up): a URL with a longer one matches the pattern but is refused (400).';

const endpointFields = {
	url: z
		.string()
		.max(MAX_WEBHOOK_URL)
		.regex(URL_PATTERN, 'must be an http:// or https:// URL with a host name or IPv4 address')
		.refine(hostNameFits, 'must have a host name of at most 253 characters, each part between dots at most 63')
		.meta({ description: `Where the events are POSTed: an http(s) URL the site controls, on a public address (loopback and private addresses are refused unless the server sets WEBHOOK_PRIVATE_URLS), not on a port HTTP clients never connect to (the Fetch standard's blocked ports, such as 25 or 6000). ${HOST_NAME_RULE}` }),
	description: readableText(atMostCharacters(z.string().trim(), 200)),
	event_types: z.array(z.enum(domainEventTypes)).min(1).max(domainEventTypes.length)
};
/** What an admin or the site key may set; `url` is http(s), ≤ 2,000 characters; at least one event type. */
export const endpointInput = z.strictObject({ ...endpointFields, description: endpointFields.description.default('') });
/** A change: only what it names (a description left out is kept, not emptied by the default a new endpoint gets). */
export const endpointPatch = z.strictObject(endpointFields).partial().extend({ enabled: z.boolean().optional() });
export type EndpointInput = z.input<typeof endpointInput>;
export type EndpointPatch = z.input<typeof endpointPatch>;

/** `privateUrls`: whether the URL may be a loopback or private address (WEBHOOK_PRIVATE_URLS unless given). */
export interface UrlPolicy {
	privateUrls?: boolean;
}

/**
 * Why a URL that matches the pattern does not parse, in words true of it, or null when it parses.
 * The causes the pattern leaves (found by fuzzing it against the URL parser): a host whose last part
 * is a number ("a.0", "256.1.1.1": the parser reads it as an IPv4 address, and it is none), and a part
 * that begins with xn--, the mark of an internationalized name, but is none ("xn--a"). A URL may
 * have both; any other cause is said without a reason.
 */
function parseProblem(url: string): string | null {
	if (URL.canParse(url)) return null;
	const labels = url.replace(/^https?:\/\//i, '').split(/[:/?#]/, 1)[0]!.split('.');
	const causes: string[] = [];
	const badIdn = labels.filter((l) => /^xn--/i.test(l) && !URL.canParse(`http://${l}/`));
	if (badIdn.length) {
		const parts = badIdn.map((l) => `“${l}”`).join(', ');
		causes.push(`${badIdn.length === 1 ? `its host's part ${parts} begins` : `its host's parts ${parts} begin`} with xn--, the mark of an internationalized name, and ${badIdn.length === 1 ? 'is not one' : 'are not'}`);
	}
	if (/^(?:0x[0-9a-f]*|\d+)$/i.test(labels.at(-1)!)) causes.push('a host whose last part is a number must be a whole IPv4 address, like 203.0.113.7');
	return `${url} is not a URL a request can go to${causes.length ? `: ${causes.join('; ')}` : ''}.`;
}

/**
 * Refuses a URL that matches the pattern but does not parse (the tRPC fuzz's "http://a.0" reached the
 * URL parser below and was a 500): invalid_input beside the URL, saying why (parseProblem).
 */
function checkParses(url: string): void {
	const message = parseProblem(url) ?? portProblem(url);
	if (message) throw new DomainError('invalid_input', message, { fieldErrors: { url: [message] } });
}

/** The Fetch standard's blocked ports as undici, the client deliveries go through, keeps them (a module it does not type). */
const badPortsSet: ReadonlySet<string> = createRequire(import.meta.url)('undici/lib/web/fetch/constants.js').badPortsSet;

/**
 * A port fetch never connects to (the Fetch standard's "bad ports": 9, 25, 6000…, undici's list, the
 * one deliveries go through): every delivery would fail with "bad port", so the endpoint is refused.
 */
function portProblem(url: string): string | null {
	const { port } = new URL(url);
	return badPortsSet.has(port) ? `Port ${port} is one that HTTP clients refuse to connect to (the Fetch standard's blocked ports, such as 25 for mail): give the endpoint another port.` : null;
}

/** Refuses a URL on loopback, a private network, link-local (the cloud's metadata address)… unless private URLs are allowed. */
function checkPublic(url: string, policy: UrlPolicy): void {
	checkParses(url);
	const refused = privateUrlsAllowed(policy.privateUrls) ? null : urlRefusal(url);
	if (!refused) return;
	const message = `Webhook URLs must be public: ${refused} (set WEBHOOK_PRIVATE_URLS=true to allow private addresses, for development).`;
	throw new DomainError('invalid_input', message, { fieldErrors: { url: [message] } });
}

function view(row: typeof webhookEndpoints.$inferSelect): EndpointView {
	const previousUntil = row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date() ? row.previousSecretExpiresAt : null;
	return {
		id: row.id,
		url: row.url,
		description: row.description,
		eventTypes: [...new Set(row.eventTypes)],
		enabled: row.enabled,
		disabledReason: row.disabledReason,
		disabledAt: row.disabledAt?.toISOString() ?? null,
		previousSecretExpiresAt: previousUntil?.toISOString() ?? null,
		createdAt: row.createdAt.toISOString()
	};
}

/**
 * An endpoint's address: its URL as fetch sends it (scheme and host in lower case, no default port,
 * no fragment), the path without trailing slashes, so https://Hooks.example.com:443/quota/ and
 * https://hooks.example.com/quota are one. Stored in `address` (unique, drizzle/0042, whose backfill
 * says the same in SQL).
 */
export function endpointAddress(url: string): string {
	const u = new URL(url);
	return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}`;
}

/** Separates this advisory lock from other users of pg_advisory_xact_lock(int, int). */
const ENDPOINT_URL_LOCK_CLASS = 7243018;

/**
 * Refuses a second endpoint at an address one already has (`except`: the endpoint being changed):
 * the site would get every event twice, signed with two secrets. Endpoints are added and changed one
 * at a time (an advisory lock), so two admins adding the same URL at once get these words, not the
 * unique index's. Errors: conflict, beside the URL, naming the endpoint that has it.
 */
async function checkUnused(tx: Executor, url: string, except?: string): Promise<void> {
	await tx.execute(sql`select pg_advisory_xact_lock(${ENDPOINT_URL_LOCK_CLASS}, 0)`);
	const address = endpointAddress(url);
	const rows = await tx
		.select({ id: webhookEndpoints.id, url: webhookEndpoints.url, description: webhookEndpoints.description, enabled: webhookEndpoints.enabled, holds: sql<boolean>`${webhookEndpoints.address} is not null` })
		.from(webhookEndpoints)
		.orderBy(webhookEndpoints.createdAt);
	// The one holding the address first; then a duplicate 0042 turned off, which has none.
	const same = rows.filter((r) => r.id !== except && endpointAddress(r.url) === address);
	const taken = same.find((r) => r.holds) ?? same[0];
	if (!taken) return;
	const which = taken.description ? `The endpoint “${taken.description}” (${taken.url}${taken.enabled ? '' : ', turned off'})` : `The endpoint at ${taken.url}${taken.enabled ? '' : ' (turned off)'}`;
	const instead = except ? 'giving this one its URL' : 'adding a second one';
	const message = `${which} has this URL already: ${taken.enabled ? 'change its events' : 'turn it on and change its events'} instead of ${instead}, which would get every event twice.`;
	throw new DomainError('conflict', message, { fieldErrors: { url: [message] } });
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
function newSecret(): string {
	return `whsec_${randomBytes(32).toString('base64')}`;
}

/** An endpoint's fields as its audit entries hold them: each one a person can change. */
const audited = (e: typeof webhookEndpoints.$inferSelect) => ({ url: e.url, description: e.description, event_types: e.eventTypes, enabled: e.enabled });

/**
 * Registers an endpoint; the answer carries its signing secret, the only time it is shown.
 * Errors: invalid_input (also a URL on a loopback or private address, unless `policy` allows it),
 * conflict (an endpoint at this URL exists already).
 */
export async function createEndpoint(db: Db, input: unknown, actor: WebhookActor, policy: UrlPolicy = {}): Promise<EndpointView & { secret: string }> {
	const v = parseInput(endpointInput, input);
	checkPublic(v.url, policy);
	const secret = newSecret();
	return db.orm.transaction(async (tx) => {
		await checkUnused(tx, v.url);
		const [row] = await tx
			.insert(webhookEndpoints)
			.values({ url: v.url, address: endpointAddress(v.url), description: v.description, eventTypes: v.event_types, secret, createdBy: actor.userId ?? null })
			.returning();
		await audit(tx, { action: 'webhook_endpoint.create', actorUserId: actor.userId, actorKeyId: actor.keyId, ip: actor.ip, targetType: 'webhook_endpoint', targetId: row!.id, after: audited(row!) });
		return { ...view(row!), secret };
	});
}

/** Every endpoint, newest first. */
export async function listEndpoints(exec: Executor): Promise<EndpointView[]> {
	return (await exec.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt))).map(view);
}

/** One endpoint. Errors: not_found. */
export async function getEndpoint(exec: Executor, id: string): Promise<EndpointView> {
	return view(await endpointRow(exec, id));
}

async function endpointRow(exec: Executor, id: string) {
	const uuid = z.uuid().safeParse(id);
	const [row] = uuid.success ? await exec.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, uuid.data)) : [];
	if (!row) throw new DomainError('not_found', 'No such webhook endpoint.');
	return row;
}

/**
 * Changes an endpoint's URL, description, event types or whether it is on. Turning a disabled
 * endpoint back on clears the reason; its failed deliveries stay failed (redeliver them one by one).
 * Turning it off keeps who did it as the reason ("Turned off by the API key “Chatbot”."). A patch
 * that changes nothing writes and logs nothing. The audit entry holds every field before and after.
 * Errors: invalid_input (also a URL on a loopback or private address, unless `policy` allows it), not_found,
 * conflict (another endpoint is at the new URL).
 */
export async function updateEndpoint(db: Db, id: string, patch: unknown, actor: WebhookActor, policy: UrlPolicy = {}): Promise<EndpointView> {
	const v = parseInput(endpointPatch, patch);
	if (v.url !== undefined) checkPublic(v.url, policy);
	return db.orm.transaction(async (tx) => {
		const before = await endpointRow(tx, id);
		const enabled = v.enabled ?? before.enabled;
		const changes = { url: v.url ?? before.url, description: v.description ?? before.description, event_types: v.event_types ?? before.eventTypes, enabled };
		// Saved as it is: nothing changes, nothing to log.
		if (JSON.stringify(changes) === JSON.stringify(audited(before))) return view(before);
		const url = v.url ?? before.url;
		// An endpoint 0042 turned off as a duplicate has no address until it is on or moved again.
		const address = v.url !== undefined || enabled ? endpointAddress(url) : before.address;
		if (address !== null && address !== before.address) await checkUnused(tx, url, before.id);
		const [row] = await tx
			.update(webhookEndpoints)
			.set({
				url,
				address,
				description: v.description ?? before.description,
				eventTypes: v.event_types ?? before.eventTypes,
				enabled,
				disabledReason: enabled ? null : before.enabled ? `Turned off by ${await changedByWords(tx, actor)}.` : before.disabledReason,
				disabledAt: enabled ? null : before.enabled ? new Date() : before.disabledAt,
				updatedAt: new Date()
			})
			.where(eq(webhookEndpoints.id, before.id))
			.returning();
		await audit(tx, {
			action: 'webhook_endpoint.update',
			actorUserId: actor.userId,
			actorKeyId: actor.keyId,
			ip: actor.ip,
			targetType: 'webhook_endpoint',
			targetId: before.id,
			before: audited(before),
			after: audited(row!)
		});
		return view(row!);
	});
}

/**
 * Gives an endpoint a new secret, answered (the only time it is shown); the secret it replaces signs
 * too for PREVIOUS_SECRET_HOURS, so deliveries meanwhile verify with either. Rotating again within
 * that time keeps the newest two: the one replaced now signs beside the new one, the oldest stops.
 * One statement: two rotations at once are serialized by the row's lock, the later keeping the
 * earlier's secret as its previous one. The audit entry holds no secret. Errors: not_found.
 */
export async function rotateSecret(db: Db, id: string, actor: WebhookActor): Promise<EndpointView & { secret: string }> {
	const secret = newSecret();
	return db.orm.transaction(async (tx) => {
		const before = await endpointRow(tx, id);
		const [row] = await tx
			.update(webhookEndpoints)
			.set({
				previousSecret: sql`${webhookEndpoints.secret}`,
				previousSecretExpiresAt: sql`now() + make_interval(hours => ${PREVIOUS_SECRET_HOURS})`,
				secret,
				updatedAt: new Date()
			})
			.where(eq(webhookEndpoints.id, before.id))
			.returning();
		// Deleted meanwhile: the row is gone.
		if (!row) throw new DomainError('not_found', 'No such webhook endpoint.');
		const rotated = view(row);
		await audit(tx, {
			action: 'webhook_endpoint.secret_rotated',
			actorUserId: actor.userId,
			actorKeyId: actor.keyId,
			ip: actor.ip,
			targetType: 'webhook_endpoint',
			targetId: row.id,
			detail: { url: row.url, previous_secret_expires_at: rotated.previousSecretExpiresAt }
		});
		return { ...rotated, secret };
	});
}

/** Deletes an endpoint with its deliveries and their log. Errors: not_found. */
export async function deleteEndpoint(db: Db, id: string, actor: WebhookActor): Promise<void> {
	await db.orm.transaction(async (tx) => {
		const before = await endpointRow(tx, id);
		await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, before.id));
		await audit(tx, { action: 'webhook_endpoint.delete', actorUserId: actor.userId, actorKeyId: actor.keyId, ip: actor.ip, targetType: 'webhook_endpoint', targetId: before.id, before: audited(before) });
	});
}
