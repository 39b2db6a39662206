import { describe, expect, it } from 'vitest';
import { answerOrder } from '../../src/lib/client/answer-order';

/** Requests for one piece of data as live() makes them: each answer shown only if `take` allows it. */
function resource() {
	const order = answerOrder();
	let shown: string | null = null;
	const pending = new Map<number, (value: string) => void>();
	return {
		get shown() {
			return shown;
		},
		ask() {
			const n = order.send();
			pending.set(n, (value) => {
				if (order.take(n)) shown = value;
			});
			return n;
		},
		answer: (n: number, value: string) => pending.get(n)!(value),
		set(value: string) {
			order.supersede();
			shown = value;
		}
	};
}

describe('answers to overlapping requests', () => {
	it('a late answer naming the previous pool does not overwrite the newer one (the pool switch)', () => {
		const settings = resource();
		const before = settings.ask(); // a 30-second refresh, sent before the switch
		const after = settings.ask(); // the refresh after the switch was saved
		settings.answer(after, 'team pool');
		settings.answer(before, 'personal pool');
		expect(settings.shown).toBe('team pool');
	});

	it('answers that arrive in order are all shown, the last one staying', () => {
		const r = resource();
		const first = r.ask();
		const second = r.ask();
		r.answer(first, 'one');
		expect(r.shown).toBe('one');
		r.answer(second, 'two');
		expect(r.shown).toBe('two');
	});

	it('a value set by a write wins over a request sent before it', () => {
		const inbox = resource();
		const before = inbox.ask();
		inbox.set('read');
		inbox.answer(before, 'unread');
		expect(inbox.shown).toBe('read');
		const later = inbox.ask();
		inbox.answer(later, 'read, and a new alert');
		expect(inbox.shown).toBe('read, and a new alert');
	});
});
