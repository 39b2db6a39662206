// A settings form's save: busy while it runs, then one message (saved, or why not) for the form to
// show; a refusal of fields is said under each of them instead (`slips`), the focus moved to the first.
import { errorMessage } from '$lib/client/errors';
import { fieldError, fieldWords } from '$lib/client/field-error';
import { showSlip } from '$lib/client/slip';
import type { SaveMessage } from '$lib/client/save-message';
import { Answer } from '$lib/client/said.svelte';

export class Saving {
	busy = $state(false);
	#answer = new Answer();
	/** The form's one message: saved, or why not ("You are offline" goes once the browser is online again: `Answer`). */
	get message(): SaveMessage | null {
		return this.#answer.message;
	}
	set message(m: SaveMessage | null) {
		this.#answer.message = m;
	}
	/** Refusals of fields, in the form's order: each said under its field (`<id>-note`, `noteOf`) until the form is changed or saved again. */
	slips = $state<{ id: string; text: string }[]>([]);

	/** `show`: how a field's slip takes the focus and comes into view (slip.ts; the page's DOM). */
	constructor(private readonly show: (id: string) => unknown = showSlip) {}

	/** Shows why the form cannot be saved yet, without sending anything: a refusal of no one field. */
	refuse(text: string) {
		this.slips = [];
		this.message = { kind: 'empty', text };
	}

	/**
	 * Asks `kept` (what a removal would be refused with, in its words, or null: it would go) before the
	 * removal is confirmed: true when it may be asked; else the words are said as the refusal would be, and
	 * nothing is asked or sent. A question that fails is said so too. Ignored while a save runs.
	 */
	async confirmable(kept: () => Promise<string | null>): Promise<boolean> {
		if (this.busy) return false;
		this.busy = true;
		[this.message, this.slips] = [null, []];
		try {
			const words = await kept();
			if (words) this.refuse(words);
			return words === null;
		} catch (e) {
			this.refuse(errorMessage(e));
			return false;
		} finally {
			this.busy = false;
		}
	}

	/** Says why the field `id` cannot be saved, under it, and moves the focus there; nothing is sent. */
	refuseField(id: string, text: string) {
		this.refuseFields([[id, text]]);
	}

	/** Says under each field (`[id, why]`, in the form's order) why it cannot be saved, and moves the focus to the first; nothing is sent. */
	refuseFields(slips: readonly (readonly [string, string])[]) {
		if (!slips.length) return;
		this.message = null;
		this.slips = slips.map(([id, text]) => ({ id, text }));
		void this.show(slips[0]![0]);
	}

	/** The slip said under the field `id`, or null (for its note, aria-invalid and aria-describedby). */
	noteOf(id: string): string | null {
		return this.slips.find((s) => s.id === id)?.text ?? null;
	}

	/** The field `id`'s aria-describedby: its `hints` (ids), then its note while a slip is said. */
	describedBy(id: string, ...hints: string[]): string | undefined {
		return [...hints, ...(this.noteOf(id) ? [`${id}-note`] : [])].join(' ') || undefined;
	}

	/**
	 * Runs `save`; on success shows `saved(result)` and returns the result, on failure shows the
	 * error's message (the server's words for a refusal) and returns undefined. Ignored while a save runs.
	 * `fields`: the form's fields by the name the server gives them (`fieldErrors`) → their element id;
	 * a refusal that names some of them is said under those fields (refuseFields), not in the message:
	 * one field, in the refusal's words; several, each in its own.
	 */
	async run<T>(save: () => Promise<T>, saved: (result: T) => string, fields: Record<string, string> = {}): Promise<T | undefined> {
		if (this.busy) return undefined;
		this.busy = true;
		this.message = null;
		this.slips = [];
		try {
			const result = await save();
			this.message = { kind: 'ok', text: saved(result) };
			return result;
		} catch (err) {
			const refused = refusedFields(err, fields);
			if (refused.length) this.refuseFields(refused);
			else this.message = { kind: 'empty', text: errorMessage(err) };
			return undefined;
		} finally {
			this.busy = false;
		}
	}

	/**
	 * Runs an action that says in words what it did, then `reload`, and only then shows those words:
	 * the page shows the change when it says it is done. A refusal is shown once `reload` ran as well:
	 * the server refuses what the page could not foresee (another admin's change meanwhile, a use it
	 * does not list), so what the page shows beside the refusal is read again. Returns the words, or
	 * undefined on failure. `fields`: as for `run`.
	 */
	act(action: () => Promise<string>, reload: () => Promise<unknown>, fields: Record<string, string> = {}): Promise<string | undefined> {
		return this.run(
			async () => {
				try {
					return await action();
				} finally {
					await reload();
				}
			},
			(done) => done,
			fields
		);
	}
}

/** The fields of `fields` (server name → element id, in the form's order) a refusal names, each with its words: the refusal's own when it names one. */
function refusedFields(err: unknown, fields: Record<string, string>): [string, string][] {
	const named = Object.keys(fields).filter((f) => fieldError(err, f));
	if (named.length === 1) return [[fields[named[0]!]!, fieldError(err, named[0]!)!]];
	const words = fieldWords(err);
	return named.map((f) => [fields[f]!, words[f]!]);
}
