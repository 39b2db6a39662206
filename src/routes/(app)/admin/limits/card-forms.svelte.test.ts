// A Limits card opens one form at a time, fetching the forms' code once, says what a save came to,
// and moves the keyboard's place with it: into the form, back to its Edit.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CardForms, FORMS_NOT_LOADED } from './card-forms.svelte';

let focused: string[];
beforeEach(() => {
	focused = [];
	vi.stubGlobal('document', { getElementById: (id: string) => ({ focus: () => focused.push(id) }) });
});
afterEach(() => vi.unstubAllGlobals());

const ids = (which: 'limits' | 'rollover') => ({ form: `${which}-form`, edit: `edit-${which}` });

describe('a Limits card’s forms', () => {
	it('open on Edit once their code is fetched (once for every Edit), with the focus in the form', async () => {
		const forms = { ModuleLimits: 'the form' };
		const load = vi.fn(async () => forms);
		const card = new CardForms(load, ids);
		expect([card.open, card.forms, card.message]).toEqual([null, null, null]);
		await card.edit('limits');
		expect([card.open, card.forms]).toEqual(['limits', forms]);
		expect(focused).toEqual(['limits-form']);
		await card.close(null);
		await card.edit('rollover');
		expect(card.open).toBe('rollover');
		expect(load).toHaveBeenCalledTimes(1);
	});

	it('close on a save, saying what it saved, or on Cancel, saying nothing; the focus goes back to the Edit that opened them', async () => {
		const card = new CardForms(async () => ({}), ids);
		await card.edit('rollover');
		await card.close("Saved: Chatbot's rollover is on. Recorded in the audit log.");
		expect(card.open).toBeNull();
		expect(card.message).toEqual({ kind: 'ok', text: "Saved: Chatbot's rollover is on. Recorded in the audit log." });
		expect(focused).toEqual(['rollover-form', 'edit-rollover']);
		await card.edit('limits');
		expect(card.message).toBeNull(); // an old save's words go when another form opens
		await card.close(null);
		expect([card.open, card.message, focused.at(-1)]).toEqual([null, null, 'edit-limits']);
	});

	it('say why a form cannot open when its code cannot be fetched, and try again on the next Edit', async () => {
		let offline = true;
		const card = new CardForms(async () => {
			if (offline) throw new TypeError('Failed to fetch dynamically imported module');
			return {};
		}, ids);
		await card.edit('limits');
		expect([card.open, card.message, focused]).toEqual([null, { kind: 'empty', text: FORMS_NOT_LOADED }, []]);
		offline = false;
		await card.edit('limits');
		expect([card.open, card.message]).toEqual(['limits', null]);
	});
});
