/**
 * A Svelte action: calls `then` once, when `node` comes within 200 px of the screen, for a part of a
 * page whose code loads only then (NearScreen, the dashboard's recent purchases): what sits below a
 * phone's first screen stays out of the page's first load.
 */
export function near(node: Element, then: () => void) {
	const seen = new IntersectionObserver(
		(entries) => {
			if (!entries.some((e) => e.isIntersecting)) return;
			seen.disconnect();
			then();
		},
		{ rootMargin: '200px' }
	);
	seen.observe(node);
	return { destroy: () => seen.disconnect() };
}
