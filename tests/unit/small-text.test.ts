import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// `small` is no global class: each component that writes `class="muted small"` styles it in its own
// <style> (Svelte scopes it there). One that forgets shows its note at body size, larger than the
// notes around it (Settings' Caps card read so). A note's other class may size it instead.
function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : []));
}

/** The `class="… small …"` lists (buttons aside, which app.css sizes) none of whose classes the file's style gives a font-size. */
function unsizedSmall(source: string): string[] {
	const style = /<style[^>]*>([\s\S]*?)<\/style>/.exec(source)?.[1] ?? '';
	const sized = (cls: string) => new RegExp(`\\.${cls}(?![\\w-])[^{]*\\{[^}]*font-size`).test(style);
	return [...source.matchAll(/class="([^"{]*)"/g)]
		.map((m) => m[1]!.split(/\s+/))
		.filter((classes) => classes.includes('small') && !classes.includes('btn') && !classes.some(sized))
		.map((classes) => classes.join(' '));
}

describe('small text is small wherever it is written', () => {
	it('finds a note its file does not size', () => {
		expect(unsizedSmall('<p class="muted small">x</p>')).toEqual(['muted small']);
		expect(unsizedSmall('<p class="muted small">x</p><style>.small { font-size: 0.82rem; }</style>')).toEqual([]);
		expect(unsizedSmall('<p class="muted small hint">x</p><style>.hint { margin: 0; font-size: 0.88rem; }</style>')).toEqual([]);
		expect(unsizedSmall('<button class="btn small">x</button>')).toEqual([]);
	});

	it('every page and component sizes its own', () => {
		const files = ['src/lib', 'src/routes'].flatMap(walk);
		expect(files.length).toBeGreaterThan(100);
		const found = files.flatMap((f) => unsizedSmall(readFileSync(f, 'utf8')).map((c) => `${f}: ${c}`));
		expect(found).toEqual([]);
	});
});
