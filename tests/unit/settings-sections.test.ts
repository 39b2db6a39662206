import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { SETTINGS_SECTIONS } from '../../src/lib/settings-sections';

// Settings' headings and its section nav read each section's id and title from one place: a heading
// renamed there is renamed in the nav too, and a link into Settings never points at an old id.
// (The nav's links equalling the headings on the page, in order, is tested in tests/e2e/app-pages.)
const sources = [
	'src/routes/(app)/settings/+page.svelte',
	'src/routes/(app)/settings/ProfileSection.svelte',
	'src/lib/components/OwnCaps.svelte',
	'src/lib/components/ReferralCard.svelte'
].map((path) => [path, readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')] as const);

describe('Settings sections', () => {
	it('have ids and titles of their own', () => {
		const all = Object.values(SETTINGS_SECTIONS);
		expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
		expect(new Set(all.map((s) => s.title)).size).toBe(all.length);
	});

	it('are headed by the shared id and title only: no heading or nav entry spells one out again', () => {
		for (const [path, text] of sources) {
			for (const { id, title } of Object.values(SETTINGS_SECTIONS)) {
				expect({ path, id: text.includes(`"${id}"`) || text.includes(`'${id}'`) }).toEqual({ path, id: false });
				expect({ path, title: text.includes(`>${title}<`) || text.includes(`'${title}'`) }).toEqual({ path, title: false });
			}
		}
		// Every section has its heading.
		const headed = [...sources.map(([, text]) => text).join('\n').matchAll(/id=\{SETTINGS_SECTIONS\.(\w+)\.id\}/g)].map((m) => m[1]);
		expect(new Set(headed)).toEqual(new Set(Object.keys(SETTINGS_SECTIONS)));
	});

	it('are where every link into Settings goes (pages that spell the id out, to keep the dashboard’s start small, included)', () => {
		const ids = new Set<string>(Object.values(SETTINGS_SECTIONS).map((s) => s.id));
		const files = readdirSync(new URL('../../src', import.meta.url), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(svelte|ts)$/.test(f));
		const targets = files.flatMap((f) => [...readFileSync(new URL(`../../src/${f}`, import.meta.url), 'utf8').matchAll(/\/settings#([\w-]+)/g)].map((m) => m[1]!));
		expect(targets.length).toBeGreaterThanOrEqual(4);
		expect(targets.filter((t) => !ids.has(t))).toEqual([]);
	});
});
