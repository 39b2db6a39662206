import { describe, expect, it } from 'vitest';
import { purchaseFlow, type PurchaseParts } from './purchase.svelte';
import type { CheckoutEvent } from './checkout';

type Start = Awaited<ReturnType<PurchaseParts['start']>>;
const offer = { id: 'pack-10k', name: '10,000 tokens' };

/** A server and payment sheet that answer as told: `orders` is the order's status per poll (the last one repeats). */
function stand(orders: string[] = ['completed'], opts: { startFails?: number; pool?: string } = {}) {
	const calls = { starts: [] as Parameters<PurchaseParts['start']>[0][], polls: 0 };
	let sheet: ((e: CheckoutEvent) => void) | null = null;
	let live: (() => Promise<unknown>) | null = null;
	let fails = opts.startFails ?? 0;
	const parts: Partial<PurchaseParts> = {
		start: async (input) => {
			calls.starts.push(input);
			if (fails-- > 0) throw new Error('The connection was lost.');
			return { orderId: `order-${calls.starts.length}` } as Start;
		},
		open: async (_start, on) => void (sheet = on),
		order: async () => ({ purchase: { status: orders[Math.min(calls.polls++, orders.length - 1)]!, tokens: 10_000 }, balance: 12_500, capBound: null, pool: opts.pool ?? null }),
		onRefresh: (check) => {
			live = check;
			return () => (live = null);
		},
		pollMs: 5,
		slowAfterMs: 60_000
	};
	return { parts, calls, pay: (e: CheckoutEvent) => sheet!(e), liveEvent: () => live?.(), listening: () => live !== null };
}

const until = async (ok: () => boolean) => {
	for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
	expect(ok()).toBe(true);
};

describe('a purchase on the store page', () => {
	it('goes from the checkout through processing to the tokens added, with the new balance', async () => {
		const s = stand(['pending', 'pending', 'completed']);
		const flow = purchaseFlow<typeof offer>(s.parts);
		const buying = flow.buy(offer, 2, 'acc-1');
		expect(flow.current).toMatchObject({ phase: 'starting', offer, quantity: 2 });
		await buying;
		expect(flow.current).toMatchObject({ phase: 'checkout', orderId: 'order-1' });
		expect(s.calls.starts[0]).toMatchObject({ accountId: 'acc-1', productId: 'pack-10k', quantity: 2 });

		s.pay('completed');
		expect(flow.current?.phase).toBe('processing');
		await until(() => flow.current?.phase === 'added');
		expect(flow.current).toMatchObject({ added: 10_000, balance: 12_500, orderId: 'order-1' });
		expect(s.calls.polls).toBe(3);
		expect(s.listening()).toBe(false);
	});

	it('names the team whose pool the tokens went to, as the order says it; none for the buyer’s own account', async () => {
		for (const pool of ['Acme Studio', undefined]) {
			const s = stand(['completed'], { pool });
			const flow = purchaseFlow<typeof offer>(s.parts);
			await flow.buy(offer, 1, 'acc-1');
			s.pay('completed');
			await until(() => flow.current?.phase === 'added');
			expect(flow.current).toMatchObject({ added: 10_000, pool: pool ?? null });
		}
	});

	it('checks the order at once on a live-stream event, not only on the next poll', async () => {
		const orders = ['pending'];
		const s = stand(orders);
		const flow = purchaseFlow<typeof offer>({ ...s.parts, pollMs: 60_000 });
		await flow.buy(offer, 1, undefined);
		s.pay('completed');
		await until(() => s.calls.polls === 1);
		orders.push('completed'); // the webhook landed; the next poll is a minute away
		await s.liveEvent();
		expect(flow.current?.phase).toBe('added');
		expect(s.calls.polls).toBe(2);
	});

	it('retries a failed start with the same checkout key, and another package with a new one', async () => {
		const s = stand(['completed'], { startFails: 1 });
		const flow = purchaseFlow<typeof offer>(s.parts);
		await flow.buy(offer, 1, 'acc-1');
		expect(flow.current).toMatchObject({ phase: 'error', message: 'The connection was lost.' });
		await flow.buy(offer, 1, 'acc-1');
		expect(flow.current?.phase).toBe('checkout');
		expect(s.calls.starts[1]!.checkoutKey).toBe(s.calls.starts[0]!.checkoutKey);
		await flow.buy(offer, 3, 'acc-1');
		expect(s.calls.starts[2]!.checkoutKey).not.toBe(s.calls.starts[1]!.checkoutKey);
	});

	it('says a payment was declined, and ends when the sheet is closed before paying', async () => {
		const s = stand();
		const flow = purchaseFlow<typeof offer>(s.parts);
		await flow.buy(offer, 1, undefined);
		s.pay('failed');
		expect(flow.current?.phase).toBe('declined');
		s.pay('closed');
		expect(flow.current).toBeNull();
	});

	it('keeps processing when the sheet closes after paying, and stops polling once slow', async () => {
		const s = stand(['pending']);
		const flow = purchaseFlow<typeof offer>({ ...s.parts, slowAfterMs: 30 });
		await flow.buy(offer, 1, undefined);
		s.pay('completed');
		s.pay('closed');
		expect(flow.current?.phase).toBe('processing');
		await until(() => flow.current?.phase === 'slow');
		const polls = s.calls.polls;
		await new Promise((r) => setTimeout(r, 40));
		expect(s.calls.polls).toBe(polls);
		expect(s.listening()).toBe(false);
	});

	it('stops polling when the status card is closed', async () => {
		const s = stand(['pending']);
		const flow = purchaseFlow<typeof offer>(s.parts);
		await flow.buy(offer, 1, undefined);
		s.pay('completed');
		await until(() => s.calls.polls > 0);
		flow.close();
		expect(flow.current).toBeNull();
		await until(() => !s.listening());
		const polls = s.calls.polls;
		await new Promise((r) => setTimeout(r, 30));
		expect(s.calls.polls).toBe(polls);
	});
});
