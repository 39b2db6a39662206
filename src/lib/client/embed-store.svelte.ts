// The embedded store (/embed/store): a host site's user buys tokens for their account there with
// the store ticket the widget's "Buy tokens" link carries in its fragment, no sign-in. The ticket
// leaves the address bar at once (kept in this tab's sessionStorage, so a reload still works) and is
// only ever sent in the Authorization header. Packages, checkout and the wait for the tokens are
// the member store's (purchaseFlow, openCheckout); only the transport differs.
import { purchaseFlow, type PurchaseParts } from './purchase.svelte';
import { openCheckout } from './checkout';
import { STORE_TICKET_COOKIE } from '../store-ticket';
import { isNetworkError } from './errors';
import type { Outputs } from './api-types';
import type { CapBound } from '../available-words';
import { NOT_MEMBER } from '../embed-words';

type Offer = Outputs['store']['front']['offers'][number];
export interface EmbedFront {
	offers: Offer[];
	checkout: Outputs['store']['front']['checkout'];
	/** The plans the account holds (not ended): not offered again; their state said as the member store says it. */
	heldPlans: { productId: string; status: string; currentPeriodEnd: string | null; nextBilledAt: string | null; canceledAt: string | null }[];
	/** Tokens the account can spend now. */
	available: number;
	/** What a cap on the account's user leaves them, when less: their dashboard's figure and cap line. */
	capBound: CapBound | null;
	/** The team's name when the account is a team's pool: what is bought here is the team's. Null for a user's own account. */
	pool: string | null;
}

/** Why the page cannot go on, in words; `expired` and friends as the server's `details.reason` says. */
export interface Refusal {
	reason: 'missing' | 'invalid' | 'expired' | 'revoked' | 'not_member' | 'other';
	message: string;
}

/**
 * The refusal's heading: for a member who left the team (`not_member`) the widget's words for it
 * (lib/embed-words.ts), not a general refusal; "The store could not be opened" for an answer that is
 * not the ticket's; else that nothing can be bought from this link (missing, invalid, expired, revoked).
 */
export function refusalHeading(reason: Refusal['reason']): string {
	return reason === 'not_member' ? NOT_MEMBER : reason === 'other' ? 'The store could not be opened' : 'Nothing can be bought from this link';
}

const TICKET_REASONS = new Set(['invalid', 'expired', 'revoked', 'not_member']);

/** A refusal answered with `status` and body `answer` (`{error, message, details.reason}`): a 401's reason as it names it, else `other`, with the server's message. */
export function refusalOf(status: number, answer: unknown): Refusal {
	const body = answer as { message?: unknown; details?: { reason?: unknown } } | null;
	const reason = body?.details?.reason;
	return {
		reason: status === 401 && typeof reason === 'string' && TICKET_REASONS.has(reason) ? (reason as Refusal['reason']) : 'other',
		message: typeof body?.message === 'string' ? body.message : 'Something went wrong; try again.'
	};
}

const KEY = 'quota-store-ticket';
const TICKET = /^#(qs_[A-Za-z0-9_.-]{20,300})$/;
const MISSING = 'Open this page with the Buy tokens button on the site you came from.';

/**
 * The ticket for this tab: the one in `location.hash` (then stored, and the hash removed with
 * `replace`, so it stays out of history and bookmarks), else the one this tab stored, else null.
 */
export function takeTicket(location: { hash: string; pathname: string; search: string }, storage: Pick<Storage, 'getItem' | 'setItem'>, replace: (url: string) => void): string | null {
	const fresh = TICKET.exec(location.hash)?.[1];
	if (fresh) {
		storage.setItem(KEY, fresh);
		replace(location.pathname + location.search);
		return fresh;
	}
	return storage.getItem(KEY);
}

/** A refusal the server answered (`{error, message, details.reason}`), as an Error the page can show. */
export class StoreRefusal extends Error {
	constructor(
		readonly refusal: Refusal,
		readonly status: number
	) {
		super(refusal.message);
	}
}

async function ask<T>(ticket: string, path: string, body?: unknown): Promise<T> {
	const res = await fetch(path, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { authorization: `Bearer ${ticket}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
		cache: 'no-store'
	});
	const answer = await res.json().catch(() => null);
	if (res.ok) return answer as T;
	throw new StoreRefusal(refusalOf(res.status, answer), res.status);
}

/**
 * The page's state: `front` (null while loading), `refusal` (why nothing can be bought: no ticket,
 * an expired or withdrawn one, or the server's words), `offline`, and the purchase `flow`.
 * `load()` (re)reads the packages; `bought()` after a purchase refreshes the balance and held plans.
 */
export function embedStore(ticket: string | null) {
	let front = $state<EmbedFront | null>(null);
	let refusal = $state<Refusal | null>(ticket ? null : { reason: 'missing', message: MISSING });
	let offline = $state(false);

	const parts: Partial<PurchaseParts> = {
		start: ({ productId, quantity, checkoutKey }) => ask(ticket!, '/embed/store/checkout', { productId, quantity, checkoutKey }),
		open: (start, on) => {
			// The local simulator's sheet (an iframe of this origin) knows its buyer by cookie only; it lasts as the page's stay.
			if (start.checkout.kind === 'simulator') document.cookie = `${STORE_TICKET_COOKIE}=${ticket}; path=/; max-age=3600; samesite=strict${location.protocol === 'https:' ? '; secure' : ''}`;
			return openCheckout(start.checkout, start, on);
		},
		order: (orderId) => ask(ticket!, `/embed/store/orders/${encodeURIComponent(orderId)}`),
		// No live stream here: the order is polled until its tokens land.
		onRefresh: () => () => {}
	};
	const flow = purchaseFlow<Offer>(parts);

	async function load() {
		if (!ticket) return;
		try {
			front = await ask<EmbedFront>(ticket, '/embed/store/front');
			offline = false;
		} catch (e) {
			if (isNetworkError(e)) offline = true;
			else refusal = e instanceof StoreRefusal ? e.refusal : { reason: 'other', message: 'Something went wrong; try again.' };
		}
	}

	return {
		get front() {
			return front;
		},
		get refusal() {
			return refusal;
		},
		get offline() {
			return offline;
		},
		flow,
		load
	};
}
