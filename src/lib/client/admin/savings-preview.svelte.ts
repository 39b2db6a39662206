// The Catalog form's line on what saving the package does to the other packages' "Save N%": asked of
// the server (the store's own maths, store/offer.ts `savingsChangedBy`) after a pause in typing.
import { saveLabel } from '$lib/percent';
import type { Inputs, Outputs } from '../api-types';

type SavingChange = Outputs['admin']['catalog']['savings'][number];
type ProductInput = Inputs['admin']['catalog']['savings'];

/** A saving as the store labels it: “Save 25%”, or no label at all. */
const label = (percent: number | null) => (percent === null ? 'no “Save” label' : `“${saveLabel(percent)}”`);

/** "Saving this changes: Starter “Save 25%” → “Save 10%”, Monthly “Save 10%” → no “Save” label."; null when nothing changes. */
export function savingsWords(changes: SavingChange[]): string | null {
	if (!changes.length) return null;
	return `Saving this changes: ${changes.map((c) => `${c.name} ${label(c.before)} → ${label(c.after)}`).join(', ')}.`;
}

export class SavingsPreview {
	/** The line the form shows above its Save button, or null. */
	words = $state<string | null>(null);
	#asked = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;

	/** `ask`: the server's preview; `pause`: ms after the last change before asking (one question per pause in typing, not per key). */
	constructor(
		private readonly ask: (input: ProductInput) => Promise<SavingChange[]>,
		private readonly pause = 300
	) {}

	/**
	 * Follows the form: `input` is the package as it would be saved, or null (the form has slips, or is
	 * empty: nothing to say). Only the answer to the latest input is shown. A failed question shows no
	 * line: the preview only informs, and the save says any refusal itself.
	 */
	follow(input: ProductInput | null) {
		clearTimeout(this.#timer);
		const asked = ++this.#asked;
		if (!input) {
			this.words = null;
			return;
		}
		this.#timer = setTimeout(async () => {
			const words = await this.ask(input).then(savingsWords, () => null);
			if (asked === this.#asked) this.words = words;
		}, this.pause);
	}
}
