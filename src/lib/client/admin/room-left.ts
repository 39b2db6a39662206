// How much room a console field has left, said under it once its text nears the field's maxlength:
// the browser stops taking characters there, silently, and a long note or message was cut without
// a word. One action for every such field; the limit is the field's own `maxlength`, never restated.
// Here, with the console's client code, it stays off the signed-in pages' start (vite.config.ts).
import type { Action } from 'svelte/action';
import { counted } from '$lib/counted';

/** The share of a field's maxlength left at which the room left is said (and below). */
export const ROOM_SHOWN_BELOW = 0.2;

/** What is said of a field with `max` characters at most and `length` typed: "12 characters left", "No room left: 500 characters at most", or nothing while there is room enough. */
export function roomLeftWords(length: number, max: number): string {
	const left = Math.max(0, max - length);
	if (max <= 0 || left > max * ROOM_SHOWN_BELOW) return '';
	return left === 0 ? `No room left: ${counted(max, 'character')} at most` : `${counted(left, 'character')} left`;
}

/**
 * `<input maxlength="500" use:roomLeft={value}>`: a note just after the field (`<id>-room`), said
 * politely to a screen reader, with the room left once the text is within ROOM_SHOWN_BELOW of the
 * field's maxlength, empty (and out of the layout) before. Follows typing and `value` changes (a form
 * loaded or reset).
 */
export const roomLeft: Action<HTMLInputElement | HTMLTextAreaElement, string | null | undefined> = (field) => {
	const note = document.createElement('span');
	note.className = 'room-left';
	if (field.id) note.id = `${field.id}-room`;
	note.setAttribute('aria-live', 'polite');
	field.after(note);
	const say = (text: string = field.value) => {
		const words = roomLeftWords(text.length, field.maxLength);
		if (note.textContent !== words) note.textContent = words;
	};
	const typed = () => say();
	say();
	field.addEventListener('input', typed);
	return {
		// The value given, not the field's: a form that empties itself (a key made, a bonus granted)
		// updates the action before the bound field, which still held the old text ("No room left"
		// under an empty field).
		update: (value) => say(typeof value === 'string' ? value : field.value),
		destroy: () => {
			field.removeEventListener('input', typed);
			note.remove();
		}
	};
};

/**
 * What a search box says of text longer than its maxlength (typing stops there, but a link or a
 * reload brings what the URL says): the server's sentence for it, with its length and what to do, or
 * null when it fits. The list is not asked for then: the server would refuse it (a 400, logged).
 */
export function tooLongWords(label: string, text: string, max: number): string | null {
	return text.length > max ? `${label} must be text of at most ${counted(max, 'character')}; this is ${counted(text.length, 'character')}. Shorten it to search.` : null;
}
