import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SavingsPreview, savingsWords } from './savings-preview.svelte';

const pack = (priceCents: number) => ({ id: 'big', kind: 'pack' as const, name: 'Big', grants: [{ model: null, tokens: 1_000 }], priceCents });
const starter = (after: number | null) => [{ id: 'starter', name: 'Starter', before: 25, after }];

describe('what a package’s save does to the other packages’ savings, said before saving', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('says each label before and after, or nothing when none changes', () => {
		expect(savingsWords([...starter(10), { id: 'plan', name: 'Monthly', before: 10, after: null }])).toBe('Saving this changes: Starter “Save 25%” → “Save 10%”, Monthly “Save 10%” → no “Save” label.');
		expect(savingsWords([{ id: 'plan', name: 'Monthly', before: null, after: 5 }])).toBe('Saving this changes: Monthly no “Save” label → “Save 5%”.');
		expect(savingsWords([])).toBeNull();
	});

	it('asks once typing pauses, and shows the answer to the latest form only', async () => {
		const asked: number[] = [];
		const answers = new Map<number, (v: ReturnType<typeof starter>) => void>();
		const preview = new SavingsPreview((input) => (asked.push(input.priceCents), new Promise((r) => answers.set(input.priceCents, r))));
		preview.follow(pack(900));
		preview.follow(pack(850));
		await vi.advanceTimersByTimeAsync(300);
		expect(asked).toEqual([850]);
		preview.follow(pack(833));
		await vi.advanceTimersByTimeAsync(300);
		// The earlier question's answer comes last: it is not shown over the later one's.
		answers.get(833)!(starter(9));
		answers.get(850)!(starter(5));
		await vi.advanceTimersByTimeAsync(0);
		expect(preview.words).toBe('Saving this changes: Starter “Save 25%” → “Save 9%”.');
	});

	it('says nothing for a form with slips, or when the question fails', async () => {
		const preview = new SavingsPreview(async (input) => {
			if (input.priceCents === 1) throw new Error('offline');
			return starter(9);
		});
		preview.follow(pack(833));
		await vi.advanceTimersByTimeAsync(300);
		expect(preview.words).not.toBeNull();
		preview.follow(null);
		expect(preview.words).toBeNull();
		preview.follow(pack(833));
		await vi.advanceTimersByTimeAsync(300);
		preview.follow(pack(1));
		await vi.advanceTimersByTimeAsync(300);
		expect(preview.words).toBeNull();
	});
});
