// Runs code as the script of a mounted component, for state that needs one (context, onMount):
// Setup.svelte has no markup, so it mounts without a DOM. `unmount` destroys it as a page leaving does.
import { flushSync } from 'svelte';
import Setup from './Setup.svelte';

export function mounted<T>(setup: () => T): { value: T; unmount: () => void } {
	let value!: T;
	// A component is a function of (anchor, props); with no markup, the anchor is never used.
	const unmount = $effect.root(() => (Setup as unknown as (anchor: null, props: { setup: () => void }) => void)(null, { setup: () => (value = setup()) }));
	flushSync(); // mounted: onMount and the first effects have run
	return { value, unmount };
}
