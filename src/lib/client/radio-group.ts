/**
 * Keyboard behaviour of a radio group made of buttons (role="radio"): one tab stop (the checked
 * one), arrow keys move and choose, as with native radio buttons.
 */
export function radioGroup(node: HTMLElement) {
	const radios = () => [...node.querySelectorAll<HTMLElement>('[role="radio"]')];
	const tabStops = () => {
		const all = radios();
		const checked = all.find((r) => r.getAttribute('aria-checked') === 'true') ?? all[0];
		for (const r of all) r.tabIndex = r === checked ? 0 : -1;
	};
	const keydown = (e: KeyboardEvent) => {
		const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
		if (!step) return;
		const all = radios();
		const at = all.indexOf(document.activeElement as HTMLElement);
		if (at < 0) return;
		e.preventDefault();
		const next = all[(at + step + all.length) % all.length]!;
		next.focus();
		next.click();
	};
	const observer = new MutationObserver(tabStops);
	observer.observe(node, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-checked'] });
	tabStops();
	node.addEventListener('keydown', keydown);
	return {
		destroy() {
			observer.disconnect();
			node.removeEventListener('keydown', keydown);
		}
	};
}
