import { onMount } from 'svelte';

/**
 * Whether a server-rendered page has hydrated. Its buttons do nothing before that, so they stay
 * disabled until then rather than swallowing an early tap. Call during component setup.
 */
export function hydration(): { readonly done: boolean } {
	let done = $state(false);
	onMount(() => {
		done = true;
	});
	return {
		get done() {
			return done;
		}
	};
}
