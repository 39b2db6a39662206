import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'svelte/compiler';

// Svelte drops the whitespace at the start and end of a block's content, so
// `{dateTime(a)}{#if b} · revoked {dateTime(b)}{/if}` reads "21:39· revoked" on the page. A space a
// sentence needs inside {#if}, {:else} or {#each} is written as an expression (`{' · revoked '}`).
// An element's content alike: `<span class="small"> · {label}: …</span>` read "Tokens: 2,000· As:" in a
// user's audit entries, and `Change<span class="visually-hidden"> the daily cap</span>` "Changethe
// daily cap" to a screen reader.
function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : []));
}

type Node = { type: string; data?: string; start: number; [key: string]: unknown };

/** The texts that begin or end a block's content with spaces (no line break) beside words: the spaces Svelte drops. */
function droppedSpaces(source: string): string[] {
	const found: string[] = [];
	const fragments = (node: Node): { nodes: Node[] }[] =>
		['consequent', 'alternate', 'body', 'fallback', 'pending', 'then', 'catch']
			.map((k) => node[k] as { nodes: Node[] } | null | undefined)
			.filter((f): f is { nodes: Node[] } => Boolean(f && Array.isArray(f.nodes)));
	const visit = (value: unknown): void => {
		if (!value || typeof value !== 'object') return;
		if (Array.isArray(value)) return value.forEach(visit);
		const node = value as Node;
		if (node.type === 'RegularElement' && Array.isArray((node.fragment as { nodes?: Node[] } | undefined)?.nodes)) {
			const nodes = (node.fragment as { nodes: Node[] }).nodes;
			const first = nodes[0];
			const last = nodes.at(-1);
			if (first?.type === 'Text' && /^[ \t]+\S/.test(first.data!)) found.push(first.data!.trim().slice(0, 40));
			if (last?.type === 'Text' && /\S[ \t]+$/.test(last.data!)) found.push(last.data!.trim().slice(-40));
		}
		if (/Block$/.test(node.type)) {
			for (const { nodes } of fragments(node)) {
				const first = nodes[0];
				const last = nodes.at(-1);
				if (first?.type === 'Text' && /^[ \t]+\S/.test(first.data!)) found.push(first.data!.trim().slice(0, 40));
				if (last?.type === 'Text' && /\S[ \t]+$/.test(last.data!)) found.push(last.data!.trim().slice(-40));
			}
		}
		for (const [key, child] of Object.entries(node)) if (key !== 'metadata' && key !== 'parent') visit(child);
	};
	visit(parse(source, { modern: true }).fragment);
	return found;
}

describe('a space beside a block or inside an element is not lost', () => {
	it('finds the lost space in the way it was once written', () => {
		expect(droppedSpaces('<p>last used {a}{#if b} · revoked {b}{/if}</p>')).toEqual(['· revoked']);
		expect(droppedSpaces("<p>last used {a}{#if b}{` · revoked ${b}`}{/if}</p>")).toEqual([]);
		expect(droppedSpaces('{#if b}\n\t<p>x</p>\n{/if}')).toEqual([]);
		expect(droppedSpaces('<li><span class="small"> · {label}: x</span><button>Change<span class="visually-hidden"> the cap</span></button></li>')).toEqual(['·', 'the cap']);
		expect(droppedSpaces('<li><span class="small">{\' · \'}{label}: x</span><button>Change<span class="visually-hidden">{\' \'}the cap</span></button></li>')).toEqual([]);
		expect(droppedSpaces('<p>\n\t<span>x</span>\n</p>')).toEqual([]);
	});

	it('no page or component writes one', () => {
		const files = ['src/lib', 'src/routes'].flatMap(walk);
		expect(files.length).toBeGreaterThan(100);
		const found = files.flatMap((f) => droppedSpaces(readFileSync(f, 'utf8')).map((text) => `${f}: ${text}`));
		expect(found).toEqual([]);
	});
});
