// A text box as tall as its text: a message being edited is read whole, never cut at two lines with
// the rest behind a scrollbar. Here, with the console's client code, it stays off the dashboard's
// start (vite.config.ts, group "shared"); an action, whose runtime the start has already.
import type { Action } from 'svelte/action';

/**
 * `<textarea use:fitText={value}>`: sets the box's height to its text's (its `rows` the least), again
 * whenever `value` changes (typed, or loaded into the form) and when its width changes (the text
 * wraps anew; a box shown after being hidden has a width at last).
 */
export const fitText: Action<HTMLTextAreaElement, string> = (area) => {
	let width = -1;
	const fit = () => {
		width = area.clientWidth;
		if (!width) return; // hidden: nothing to measure until it shows
		const style = getComputedStyle(area);
		const borders = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
		area.style.height = 'auto';
		area.style.height = `${area.scrollHeight + (style.boxSizing === 'border-box' ? borders : 0)}px`;
	};
	fit();
	const resized = new ResizeObserver(() => {
		if (area.clientWidth !== width) fit();
	});
	resized.observe(area);
	return { update: fit, destroy: () => resized.disconnect() };
};
