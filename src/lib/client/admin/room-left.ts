// How much room a console field has left, said under it once its text nears its maximum, and the
// maximum itself, in characters as a person counts them (lib/text-length.ts), as the server's schemas
// count them (fields.ts atMostCharacters). The browser's `maxlength` counts UTF-16 units: it stopped
// a name at 40 emoji of its 80 characters, and the room left it said was in those units too. One
// action for every such field. Here, with the console's client code, it stays off the signed-in
// pages' start (vite.config.ts).
import type { Action } from 'svelte/action';
import { counted } from '$lib/counted';
import { characterCount, firstCharacters, longerThan } from '$lib/text-length';

/** The share of a field's maximum left at which the room left is said (and below). */
export const ROOM_SHOWN_BELOW = 0.2;

/**
 * What is said of a field with `max` characters at most and `length` typed: "12 characters left", "No
 * room left: 500 characters at most", or nothing while there is room enough; `leftOut`: characters the
 * last typing or paste brought that the field did not take, said so a cut paste is not cut silently
 * ("…; 140 characters did not fit").
 */
export function roomLeftWords(length: number, max: number, leftOut = 0): string {
	const left = Math.max(0, max - length);
	if (max <= 0 || left > max * ROOM_SHOWN_BELOW) return '';
	const cut = leftOut > 0 ? `; ${counted(leftOut, 'character')} did not fit` : '';
	return left === 0 ? `No room left: ${counted(max, 'character')} at most${cut}` : `${counted(left, 'character')} left${cut}`;
}

/** A field's text and the most characters it takes. */
export interface Room {
	text: string | null | undefined;
	max: number;
}

/**
 * `<input use:roomLeft={{ text: value, max: 500 }}>`: the field takes at most `max` characters, as a
 * `maxlength` would in UTF-16 units: typing stops there, and a paste or a drop brings what fits where
 * it goes (text composed with an input method is cut at the end once composed). A note just after the
 * field (`<id>-room`), said politely to a screen reader, tells the room left once the text is within
 * ROOM_SHOWN_BELOW of `max`, empty (and out of the layout) before. Follows typing and `text` changes
 * (a form loaded or reset).
 */
export const roomLeft: Action<HTMLInputElement | HTMLTextAreaElement, Room> = (field, room) => {
	let max = room.max;
	const note = document.createElement('span');
	note.className = 'room-left';
	if (field.id) note.id = `${field.id}-room`;
	note.setAttribute('aria-live', 'polite');
	field.after(note);
	// Characters the last insertion brought that did not fit: said until the next input.
	let leftOut = 0;
	const say = (text: string = field.value) => {
		const words = roomLeftWords(characterCount(text), max, leftOut);
		if (note.textContent !== words) note.textContent = words;
	};
	/** Takes `text` for the selection, as typing does: `bind:value` hears it as it hears typing. */
	const insert = (text: string) => {
		field.setRangeText(text, field.selectionStart ?? field.value.length, field.selectionEnd ?? field.value.length, 'end');
		field.dispatchEvent(new Event('input', { bubbles: true }));
	};
	// An insertion beforeinput cannot refuse (an input method's composed text): cut once it is in.
	let cutAfter = false;
	const beforeInput = (event: Event) => {
		const e = event as InputEvent;
		if (!e.inputType.startsWith('insert')) return;
		if (e.isComposing || !e.cancelable) return void (cutAfter = true);
		const data = e.data ?? e.dataTransfer?.getData('text/plain') ?? (e.inputType === 'insertLineBreak' ? '\n' : '');
		const [start, end] = [field.selectionStart ?? field.value.length, field.selectionEnd ?? field.value.length];
		const kept = field.value.slice(0, start) + field.value.slice(end);
		if (!longerThan(field.value.slice(0, start) + data + field.value.slice(end), max)) return;
		e.preventDefault();
		const fits = firstCharacters(data, Math.max(0, max - characterCount(kept)));
		const cut = characterCount(data) - characterCount(fits);
		if (fits) insert(fits);
		leftOut = cut;
		say();
	};
	const typed = () => {
		if (cutAfter && longerThan(field.value, max)) {
			cutAfter = false;
			const all = characterCount(field.value);
			field.value = firstCharacters(field.value, max);
			field.dispatchEvent(new Event('input', { bubbles: true }));
			leftOut = all - max;
			return say();
		}
		cutAfter = false;
		leftOut = 0;
		say();
	};
	say(room.text ?? field.value);
	field.addEventListener('beforeinput', beforeInput);
	field.addEventListener('input', typed);
	return {
		// The text given, not the field's: a form that empties itself (a key made, a bonus granted)
		// updates the action before the bound field, which still held the old text ("No room left"
		// under an empty field).
		update: (next) => {
			max = next.max;
			say(typeof next.text === 'string' ? next.text : field.value);
		},
		destroy: () => {
			field.removeEventListener('beforeinput', beforeInput);
			field.removeEventListener('input', typed);
			note.remove();
		}
	};
};

/**
 * What a search box says of text longer than its maximum (typing stops there, but a link or a reload
 * brings what the URL says): the server's sentence for it, with its length and what to do, or null
 * when it fits. The list is not asked for then: the server would refuse it (a 400, logged).
 */
export function tooLongWords(label: string, text: string, max: number): string | null {
	return longerThan(text, max) ? `${label} must be text of at most ${counted(max, 'character')}; this is ${counted(characterCount(text), 'character')}. Shorten it to search.` : null;
}
