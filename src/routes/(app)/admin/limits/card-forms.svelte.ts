// A Limits card's forms: one open at a time, their code fetched on the first Edit (most visits only
// read the cards, so the page starts without it), and what the last save or fetch came to, said
// under the card. The focus follows: into the form that opens, back to the Edit that opened it.
import { tick } from 'svelte';
import type { SaveMessage } from '$lib/client/save-message';

/** The page's three forms, one chunk (form-parts.ts). */
export const loadForms = () => import('./form-parts');

export const FORMS_NOT_LOADED = 'The form did not load. Check the connection and try again.';

export class CardForms<W extends string, F> {
	/** The form open, if any. */
	open = $state<W | null>(null);
	/** The forms' code, once fetched. */
	forms = $state.raw<F | null>(null);
	message = $state<SaveMessage | null>(null);

	/**
	 * `load` fetches the forms' code (once: a failure is said, and the next Edit tries again); `ids`
	 * names the element of each form and of the Edit button that opens it.
	 */
	constructor(
		private readonly load: () => Promise<F>,
		private readonly ids: (which: W) => { form: string; edit: string }
	) {}

	/** Opens `which` once the forms' code is there, and moves the focus into it. */
	async edit(which: W): Promise<void> {
		this.message = null;
		try {
			this.forms ??= await this.load();
		} catch {
			this.message = { kind: 'empty', text: FORMS_NOT_LOADED };
			return;
		}
		this.open = which;
		await tick();
		document.getElementById(this.ids(which).form)?.focus();
	}

	/** Closes the open form (a save's words, `said`, are said under the card) and puts the focus back on its Edit. */
	async close(said: string | null): Promise<void> {
		const was = this.open;
		this.open = null;
		this.message = said ? { kind: 'ok', text: said } : null;
		await tick();
		if (was) document.getElementById(this.ids(was).edit)?.focus();
	}
}
