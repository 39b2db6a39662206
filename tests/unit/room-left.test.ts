import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { roomLeftWords, tooLongWords } from '../../src/lib/client/admin/room-left';

// A console field stops taking characters at its maxlength, silently: the user is told how much room
// is left once within a fifth of it, and every such field in the console says so the same way.

describe('the room a field has left', () => {
	it('says nothing while there is room enough, and how many characters are left within a fifth of the maximum', () => {
		expect(roomLeftWords(0, 500)).toBe('');
		expect(roomLeftWords(399, 500)).toBe('');
		expect(roomLeftWords(400, 500)).toBe('100 characters left');
		expect(roomLeftWords(488, 500)).toBe('12 characters left');
		expect(roomLeftWords(499, 500)).toBe('1 character left');
		expect(roomLeftWords(500, 500)).toBe('No room left: 500 characters at most');
		expect(roomLeftWords(64, 80)).toBe('16 characters left');
	});
	it('says nothing of a field without a maximum', () => {
		expect(roomLeftWords(10, -1)).toBe('');
	});
	it('says of a search longer than its box takes (a link brought it) what the server would, with its length and what to do', () => {
		expect(tooLongWords('Who', 'x'.repeat(200), 200)).toBeNull();
		expect(tooLongWords('Who', 'x'.repeat(201), 200)).toBe('Who must be text of at most 200 characters; this is 201 characters. Shorten it to search.');
	});
});

/** The console's Svelte files (and the API keys form it shares with Settings). */
function consoleFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const p = join(dir, f);
		return statSync(p).isDirectory() ? consoleFiles(p) : p.endsWith('.svelte') ? [p] : [];
	});
}

describe('the console’s fields with a maxlength', () => {
	it('each say their room left with the one action', () => {
		const files = [...consoleFiles('src/routes/(app)/admin'), 'src/lib/components/ApiKeys.svelte'];
		const fields = files.flatMap((file) =>
			[...readFileSync(file, 'utf8').matchAll(/<(input|textarea)\b[^>]*?\bmaxlength=[^>]*>/g)].map((m) => ({ file, field: m[0] }))
		);
		expect(fields.length).toBeGreaterThanOrEqual(14);
		expect(fields.filter((f) => !/\buse:roomLeft=\{/.test(f.field)).map((f) => `${f.file}: ${f.field.slice(0, 80)}`)).toEqual([]);
	});
});

describe('the search and filter boxes of the console and the member pages', () => {
	it('take at most the text the server searches, and say their room left', () => {
		const files = [...consoleFiles('src/routes'), ...consoleFiles('src/lib/components')];
		const boxes = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/<input\b[^>]*\btype="search"[^>]*>/g)].map((m) => `${file}: ${m[0]}`));
		// Most are SearchField (the Users, Payments and audit log boxes): its one input is among those checked here.
		const searchFields = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/<SearchField\b/g)]);
		expect(boxes.some((b) => b.startsWith('src/lib/components/SearchField.svelte'))).toBe(true);
		expect(boxes.length - 1 + searchFields.length).toBeGreaterThanOrEqual(5);
		expect(boxes.filter((b) => !/\bmaxlength=\{SEARCH_MAX\}/.test(b) || !/\buse:roomLeft=\{/.test(b))).toEqual([]);
	});
});

// A name or a note cut at its maxlength is a shorter name, and the room left says so. A URL, a key, an
// id, an e-mail address or a password cut there is another value (a webhook URL lost its host, then
// failed every delivery), saved as if typed: such fields have no maxlength, and their form's check
// (or the server) refuses one too long instead.
describe('fields whose cut value would be another value', () => {
	it('have no maxlength', () => {
		const files = [...consoleFiles('src/routes'), ...consoleFiles('src/lib/components')];
		const exact = /\btype="(url|email|password)"|\bid="[^"]*-(url|key|id)"|\bid="\{id\}-key"|\bname="(password|email|url)"/;
		const fields = files.flatMap((file) =>
			[...readFileSync(file, 'utf8').matchAll(/<input\b[^>]*>/g)].map((m) => ({ file, field: m[0].replace(/\s+/g, ' ') })).filter((f) => exact.test(f.field))
		);
		expect(fields.length).toBeGreaterThanOrEqual(5);
		expect(fields.filter((f) => /\bmaxlength=/.test(f.field)).map((f) => `${f.file}: ${f.field.slice(0, 100)}`)).toEqual([]);
	});
});
