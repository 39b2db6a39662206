// One purchase on the store page, from the tap on "Buy" to "tokens added": the server makes the
// order, the payment sheet reports how the payment went, and the order is polled until the
// webhook's tokens land. Tokens never come from the sheet, only from the server's order.
import { tick } from 'svelte';
import { trpc } from './trpc';
import { onRefresh } from './refresh.svelte';
import { openCheckout, type CheckoutEvent } from './checkout';
import { errorMessage } from './errors';
import type { Inputs, Outputs } from './api-types';
import type { CapBound } from '$lib/available-words';

export type PurchasePhase = 'starting' | 'checkout' | 'declined' | 'processing' | 'added' | 'slow' | 'error';

export interface Purchase<Offer> {
	phase: PurchasePhase;
	offer: Offer;
	quantity: number;
	/** The server's order, once the checkout started. */
	orderId?: string;
	/** Why the checkout could not start (phase `error`). */
	message?: string;
	/** Tokens the order added and the account's balance after them (phase `added`), in tokens. */
	added?: number;
	balance?: number | null;
	/** What a cap on the buyer's use leaves them of that balance, when less (phase `added`): their dashboard's Available, the account's figure named. */
	capBound?: CapBound | null;
	/** The team whose pool the tokens went to (phase `added`): "Tokens added to <team> pool"; null for the buyer's own account. */
	pool?: string | null;
}

type CheckoutStart = Outputs['store']['checkout'];

/** What a purchase talks to: the server and the payment sheet (the store page's are the defaults). */
export interface PurchaseParts {
	/** Starts a checkout: the order and what the payment sheet needs. */
	start(input: Inputs['store']['checkout']): Promise<CheckoutStart>;
	/** Opens the payment sheet; it reports completed, failed or closed through `on`. */
	open(start: CheckoutStart, on: (e: CheckoutEvent) => void): Promise<void>;
	/** The order's status; once its tokens landed, the account's balance, what a cap leaves the buyer of it, when less, and the team whose pool it is. */
	order(orderId: string): Promise<{ purchase: { status: string; tokens: number }; balance: number | null; capBound: CapBound | null; pool: string | null }>;
	/** Registers a check to run on every live-stream event; returns how to unregister it. */
	onRefresh(check: () => Promise<unknown>): () => void;
	/** Between two polls of the order, and before it is called slow, in ms. */
	pollMs: number;
	slowAfterMs: number;
}

const storeParts: PurchaseParts = {
	start: (input) => trpc().store.checkout.mutate(input),
	open: (start, on) => openCheckout(start.checkout, start, on),
	order: (orderId) => trpc().store.order.query({ orderId }),
	onRefresh,
	pollMs: 1000,
	// Paddle confirms within seconds; after this the page says the payment is safe and stops polling.
	slowAfterMs: 90_000
};

/**
 * The purchase under way (`current`, null when none) and its transitions: starting → checkout →
 * processing → added, or slow after `slowAfterMs` without the tokens; checkout → declined when a
 * payment fails (paying again in the sheet still goes on to processing); closing the sheet before
 * paying ends it; error when the checkout cannot start.
 */
export function purchaseFlow<Offer extends { id: string }>(parts: Partial<PurchaseParts> = {}) {
	const p: PurchaseParts = { ...storeParts, ...parts };
	let current = $state<Purchase<Offer> | null>(null);
	// One key per purchase attempt: trying the same package again after an error (a lost answer)
	// gets the order the server may already have made, not a second one.
	let attempt: { what: string; key: string } | null = null;
	// Where the keyboard was when the purchase started (its Buy button): a sheet closed unpaid gives it back
	// there, as a dialog does, not to the top of the page (the button is enabled again once the DOM updated).
	let opener: HTMLElement | null = null;
	async function giveFocusBack() {
		const el = opener;
		opener = null;
		await tick();
		if (el?.isConnected) el.focus();
	}

	/** Polls the order every `pollMs` (and at once on any live-stream event) until its tokens land. */
	async function watch(orderId: string) {
		const started = Date.now();
		let done = false;
		const check = async () => {
			if (done || current?.orderId !== orderId) return;
			try {
				const { purchase: order, balance, capBound, pool } = await p.order(orderId);
				if (order.status === 'completed' && current?.orderId === orderId) {
					done = true;
					current = { ...current, phase: 'added', added: order.tokens, balance, capBound, pool };
				}
			} catch {
				// A blip while polling: the next tick tries again.
			}
		};
		const stopLive = p.onRefresh(check);
		while (!done && current?.orderId === orderId) {
			await check();
			if (done) break;
			if (Date.now() - started > p.slowAfterMs) {
				if (current?.orderId === orderId) current.phase = 'slow';
				break;
			}
			await new Promise((r) => setTimeout(r, p.pollMs));
		}
		stopLive();
	}

	function onCheckout(e: CheckoutEvent, orderId: string) {
		if (!current || current.orderId !== orderId) return;
		if (e === 'completed') {
			current.phase = 'processing';
			void watch(orderId);
		} else if (e === 'failed') {
			current.phase = 'declined';
		} else if (e === 'closed' && (current.phase === 'checkout' || current.phase === 'declined')) {
			current = null;
			void giveFocusBack();
		}
	}

	return {
		get current() {
			return current;
		},
		/** Buys `quantity` × `offer` for `accountId` (undefined: the user's active account); `topupId`: from that auto top-up's notice. */
		async buy(offer: Offer, quantity: number, accountId: string | undefined, topupId?: string) {
			const starting: Purchase<Offer> = { phase: 'starting', offer, quantity };
			opener = typeof document === 'undefined' ? null : (document.activeElement as HTMLElement | null);
			current = starting;
			const what = `${accountId}|${offer.id}|${quantity}`;
			if (attempt?.what !== what) attempt = { what, key: crypto.randomUUID() };
			try {
				const start = await p.start({ accountId, productId: offer.id, quantity, checkoutKey: attempt.key, topupId });
				attempt = null;
				current = { ...starting, phase: 'checkout', orderId: start.orderId };
				await p.open(start, (e) => onCheckout(e, start.orderId));
			} catch (e) {
				current = { offer, quantity, phase: 'error', message: errorMessage(e) };
			}
		},
		/** Puts the status card away (its polling, if any, stops). */
		close() {
			current = null;
		}
	};
}
