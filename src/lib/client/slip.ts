// Where a form's slip is said: its field takes the focus and its note (`<field id>-note` unless named,
// rendered once the slip is set) is scrolled into the part of the screen the header and tab bar leave free
// (the layout's scroll-padding): a note under a field at the bottom of a phone's screen is not left
// behind the tab bar.
import { tick } from 'svelte';

/** Focuses the field `id` and brings its note (`note`: a group's, e.g. a fieldset of checkboxes) into view once it is drawn. */
export async function showSlip(id: string, note = `${id}-note`): Promise<void> {
	const field = document.getElementById(id);
	field?.focus({ preventScroll: true });
	await tick();
	// The field with its label (a form's `.field` or fieldset), not the input alone under the sticky header.
	(field?.closest('.field, fieldset') ?? field)?.scrollIntoView({ block: 'nearest' });
	document.getElementById(note)?.scrollIntoView({ block: 'nearest' });
}
