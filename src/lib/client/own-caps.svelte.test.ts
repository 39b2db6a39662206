// Settings' own caps: a typed cap is read as the server takes it, a save says what it
// did, and a refusal is said where the member is looking (the field, or under the list).
import { describe, expect, it } from 'vitest';
import { OwnCapsEditor, type OwnCap, type OwnCapPeriod } from './own-caps.svelte';
import { Said } from './said.svelte';

/** A server that keeps the caps it was given (used 100 of each this period), or refuses with `refuse`. */
function server(refuse?: string) {
	let caps: OwnCap[] = [];
	const calls: [OwnCapPeriod, number | null][] = [];
	const save = async (period: OwnCapPeriod, limitTokens: number | null) => {
		calls.push([period, limitTokens]);
		if (refuse) throw new Error(refuse);
		caps = caps.filter((c) => c.period !== period);
		if (limitTokens !== null) caps.push({ period, limitTokens, used: 100, left: Math.max(limitTokens - 100, 0) });
		return caps;
	};
	return { save, calls };
}

describe('own caps in Settings', () => {
	it('sets a cap typed with separators, says so, closes the form and offers only the periods left', async () => {
		const s = server();
		const e = new OwnCapsEditor(s.save);
		e.caps = [];
		e.edit('daily');
		e.text = '14,600';
		expect(await e.submit()).toBe(true);
		expect(s.calls).toEqual([['daily', 14_600]]);
		expect(e.caps).toEqual([{ period: 'daily', limitTokens: 14_600, used: 100, left: 14_500 }]);
		expect(e.message).toEqual({ kind: 'ok', text: 'Daily cap set to 14,600 tokens.' });
		expect(e.editing).toBeNull();
		expect(e.free).toEqual(['weekly', 'monthly']);
		// Changing it starts from what is set.
		e.edit('daily');
		expect(e.text).toBe('14600');
	});

	it('refuses what is not a whole number of tokens beside the field, sending nothing', async () => {
		const s = server();
		const e = new OwnCapsEditor(s.save);
		e.caps = [];
		e.edit('weekly');
		for (const text of ['', 'lots', '-5']) {
			e.text = text;
			expect(await e.submit()).toBe(false);
			expect(e.error).toBe('Type a whole number of tokens, 0 or more.');
		}
		expect(s.calls).toEqual([]);
		expect(e.editing).toBe('weekly');
	});

	it('removes a cap, and says a refusal of the server under the list', async () => {
		const ok = server();
		const e = new OwnCapsEditor(ok.save);
		e.caps = [];
		e.edit('monthly');
		e.text = '500';
		await e.submit();
		expect(await e.remove('monthly')).toBe(true);
		expect(e.caps).toEqual([]);
		expect(e.message).toEqual({ kind: 'ok', text: 'Monthly cap removed.' });

		const refused = new OwnCapsEditor(server("Your weekly cap was set by the site's administrators; ask them to change it.").save);
		refused.caps = [{ period: 'weekly', limitTokens: 90_000, used: 0, left: 90_000 }];
		expect(await refused.remove('weekly')).toBe(false);
		expect(refused.message).toEqual({ kind: 'empty', text: "Your weekly cap was set by the site's administrators; ask them to change it." });
		expect(refused.caps).toHaveLength(1);
	});

	it("says its answer until another action on the page starts: another form's save takes it away, and a slip here takes away another's", async () => {
		const e = new OwnCapsEditor(server().save);
		const profile = new Said();
		e.caps = [];
		e.edit('daily');
		e.text = '500';
		await e.submit();
		expect(e.message).toEqual({ kind: 'ok', text: 'Daily cap set to 500 tokens.' });
		profile.start();
		expect(e.message).toBeNull();
		profile.message = { kind: 'ok', text: 'Name changed to Ada L.' };
		e.edit('weekly');
		e.text = 'lots';
		expect(await e.submit()).toBe(false);
		expect(profile.message).toBeNull();
		// The slip beside the field is this form's answer too: another action starting takes it away.
		expect(e.error).toBe('Type a whole number of tokens, 0 or more.');
		profile.start();
		expect(e.error).toBeNull();
	});
});
