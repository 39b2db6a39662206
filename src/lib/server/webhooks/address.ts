import ipaddr from 'ipaddr.js';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { config } from '../config';

// Webhooks go to the host site's public address: a URL on loopback, a private network or the cloud's
// metadata address (169.254.169.254) would have the server fetch its own network and show the admin
// the answer. Unless WEBHOOK_PRIVATE_URLS is on, such URLs are refused when set (endpoints.ts) and
// every connection is checked again where it is made (publicAgent), after DNS has answered.

/** Whether webhooks may go to private addresses: `override` (tests), else WEBHOOK_PRIVATE_URLS. */
export const privateUrlsAllowed = (override?: boolean): boolean => override ?? config().WEBHOOK_PRIVATE_URLS;

/** ipaddr.js's names for the ranges that are not the public internet, in Quota's words; any other non-unicast range is "reserved". */
const KINDS: Record<string, string> = {
	loopback: 'a loopback address',
	private: 'a private address',
	linkLocal: 'a link-local address',
	uniqueLocal: 'a unique-local address',
	carrierGradeNat: 'a carrier-grade NAT address',
	unspecified: 'an unspecified address',
	multicast: 'a multicast address',
	broadcast: 'the broadcast address'
};

/** IPv4-compatible IPv6 (::127.0.0.1, deprecated by RFC 4291): ipaddr.js counts it as unicast. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** What kind of non-public address `ip` is ("a loopback address"…), or null for a public unicast one. */
export function privateKind(ip: string): string | null {
	// An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is the IPv4 address it carries.
	const address = ipaddr.process(ip);
	const range = address.range();
	if (range === 'unicast' && !(address.kind() === 'ipv6' && address.match(IPV4_COMPATIBLE))) return null;
	return KINDS[range] ?? 'a reserved address';
}

/** Why a connection to `host` (a name or an IP, as a URL's hostname) is refused before any lookup: a localhost name or a non-public IP; else null. */
function hostRefusal(host: string): string | null {
	const bare = host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
	if (bare === 'localhost' || bare.endsWith('.localhost')) return `${bare} is a loopback address`;
	const kind = isIP(bare) ? privateKind(bare) : null;
	return kind && `${bare} is ${kind}`;
}

/**
 * Why webhooks may not go to `url` (its host as WHATWG URL reads it, so http://2130706433/ and
 * http://0x7f.1/ are 127.0.0.1): "127.0.0.1 is a loopback address"; null for a public IP or a name
 * (which is checked again when it is resolved, at delivery).
 */
export function urlRefusal(url: string): string | null {
	return hostRefusal(new URL(url).hostname);
}

/** A connection refused for its address: the message says which and why ("hooks.example.com resolves to a loopback address"). */
export class RefusedAddress extends Error {
	override name = 'RefusedAddress';
}

/** `resolve` (dns.lookup by default), failing with RefusedAddress when any address of the name is not public. */
function publicLookup(resolve: LookupFunction): LookupFunction {
	return (hostname, options, callback) =>
		resolve(hostname, { ...options, all: true }, (err, answer) => {
			if (err) return callback(err, '');
			const addresses = answer as LookupAddress[];
			const kind = addresses.map((a) => privateKind(a.address)).find((k) => k !== null);
			if (kind) return callback(new RefusedAddress(`${hostname} resolves to ${kind}`), '');
			if (options.all) callback(null, addresses);
			else callback(null, addresses[0]!.address, addresses[0]!.family);
		});
}

const agents = { private: new Map<LookupFunction, Agent>(), public: new Map<LookupFunction, Agent>() };

/**
 * The dispatcher webhooks are sent through, for `privateUrls` (whether non-public addresses are
 * allowed) and the resolver (dns.lookup unless given: tests give theirs). One per pair for the
 * process's life, made on first use, so the keep-alive connections to an endpoint are reused from
 * one delivery run to the next (every 2 s); closed by closeWebhookAgents at shutdown. Off, it is
 * publicAgent: every connection's address is checked where it is made.
 */
export function webhookAgent(privateUrls: boolean, resolve: LookupFunction = dnsLookup as LookupFunction): Agent {
	const byResolver = agents[privateUrls ? 'private' : 'public'];
	let agent = byResolver.get(resolve);
	if (!agent) {
		agent = privateUrls ? new Agent({ connect: { lookup: resolve } }) : publicAgent(resolve);
		byResolver.set(resolve, agent);
	}
	return agent;
}

/** Closes the webhook dispatchers (at shutdown, once the schedule's runs have ended): requests under way finish first, idle connections go. */
export async function closeWebhookAgents(): Promise<void> {
	const all = [...agents.private.values(), ...agents.public.values()];
	agents.private.clear();
	agents.public.clear();
	await Promise.all(all.map((a) => a.close()));
}

/**
 * An undici dispatcher that connects to public addresses only: IP literals and localhost names are
 * refused before connecting, names are resolved in the connection itself (`resolve`) and refused when any of their addresses is not public, so DNS cannot point a checked name
 * elsewhere between the check and the use.
 */
function publicAgent(resolve: LookupFunction): Agent {
	const connect = buildConnector({ lookup: publicLookup(resolve) });
	return new Agent({
		connect: (opts, callback) => {
			const refused = hostRefusal(opts.hostname);
			if (refused) callback(new RefusedAddress(refused), null);
			else connect(opts, callback);
		}
	});
}
