import { describe, expect, it } from 'vitest';
import { Saving } from './saving.svelte';

describe('a settings form’s save', () => {
	it('is busy while it runs, then says it saved and hands back the result', async () => {
		const s = new Saving();
		let finish!: (v: number) => void;
		const run = s.run(() => new Promise<number>((r) => (finish = r)), (n) => `Saved ${n}.`);
		expect(s.busy).toBe(true);
		// A second press while saving sends nothing.
		await expect(s.run(() => Promise.reject(new Error('sent twice')), () => 'no')).resolves.toBeUndefined();
		finish(7);
		await expect(run).resolves.toBe(7);
		expect(s.busy).toBe(false);
		expect(s.message).toEqual({ kind: 'ok', text: 'Saved 7.' });
	});

	it('shows why a save failed, or why the form cannot be sent yet', async () => {
		const s = new Saving();
		await expect(s.run(() => Promise.reject(new Error('Unknown module.')), () => 'no')).resolves.toBeUndefined();
		expect(s.message).toEqual({ kind: 'empty', text: 'Unknown module.' });
		expect(s.busy).toBe(false);
		s.refuse('Fix the cap first.');
		expect(s.message).toEqual({ kind: 'empty', text: 'Fix the cap first.' });
	});

	it('says what an action did, or why the server refused it, only once the page has read what is current', async () => {
		const s = new Saving();
		const order: string[] = [];
		const reload = async () => {
			order.push(`reload (message: ${s.message?.text ?? 'none'})`);
		};
		await expect(s.act(async () => (order.push('action'), 'Role is now Editor.'), reload)).resolves.toBe('Role is now Editor.');
		expect(order).toEqual(['action', 'reload (message: none)']);
		expect(s.message).toEqual({ kind: 'ok', text: 'Role is now Editor.' });
		// A refusal the page could not foresee (another admin's change meanwhile): the list is read again, then the refusal shown.
		await expect(s.act(() => (order.push('refused'), Promise.reject(new Error('No such role.'))), reload)).resolves.toBeUndefined();
		expect(order.slice(2)).toEqual(['refused', 'reload (message: none)']);
		expect(s.message).toEqual({ kind: 'empty', text: 'No such role.' });
		expect(s.busy).toBe(false);
	});
});
