import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { roomLeftWords, tooLongWords } from '../../src/lib/client/admin/room-left';
import { atMostCharacters } from '../../src/lib/server/fields';

// A console field stops taking characters at its maximum, counted as a person counts them (an emoji or a
// flag is one, as the server counts them): the user is told how much room is left once within a fifth
// of it, and every such field in the console says so the same way.

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
	it('says what the last typing or paste brought that did not fit, so a paste is not cut silently', () => {
		expect(roomLeftWords(60, 60, 140)).toBe('No room left: 60 characters at most; 140 characters did not fit');
		expect(roomLeftWords(500, 500, 1)).toBe('No room left: 500 characters at most; 1 character did not fit');
		expect(roomLeftWords(60, 60, 0)).toBe('No room left: 60 characters at most');
	});
	it('says nothing of a field without a maximum', () => {
		expect(roomLeftWords(10, -1)).toBe('');
	});
	it('says of a search longer than its box takes (a link brought it) what the server would, with its length and what to do', () => {
		expect(tooLongWords('Who', 'x'.repeat(200), 200)).toBeNull();
		expect(tooLongWords('Who', 'x'.repeat(201), 200)).toBe('Who must be text of at most 200 characters; this is 201 characters. Shorten it to search.');
	});
	it('counts an emoji, a flag and a family as one character each, as the server does', () => {
		// 200 flags are 800 UTF-16 units: within the box, as 200 letters are.
		expect(tooLongWords('Who', '🇫🇷'.repeat(200), 200)).toBeNull();
		expect(tooLongWords('Who', '👨‍👩‍👧'.repeat(201), 200)).toBe('Who must be text of at most 200 characters; this is 201 characters. Shorten it to search.');
		const server = atMostCharacters(z.string(), 3);
		expect(['é😀🇫🇷', 'e\u0301👩‍💻🇫🇷'].map((t) => server.safeParse(t).success)).toEqual([true, true]);
		expect(server.safeParse('abcd').success).toBe(false);
		expect(server.safeParse('😀😀😀😀').success).toBe(false);
	});
});

/** The console's Svelte files (and the API keys form it shares with Settings). */
function consoleFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const p = join(dir, f);
		return statSync(p).isDirectory() ? consoleFiles(p) : p.endsWith('.svelte') ? [p] : [];
	});
}

describe('the console’s fields with a maximum', () => {
	it('each hold it and say their room left with the one action, none with a maxlength (which counts UTF-16 units: 40 emoji of 80)', () => {
		const files = [...consoleFiles('src/routes'), ...consoleFiles('src/lib/components')];
		const fields = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/<(input|textarea)\b[^>]*>/g)].map((m) => ({ file, field: m[0].replace(/\s+/g, ' ') })));
		expect(fields.filter((f) => /\buse:roomLeft=\{\{ text: [^}]+, max: [\w.]+ \}\}/.test(f.field)).length).toBeGreaterThanOrEqual(16);
		expect(fields.filter((f) => /\bmaxlength=/.test(f.field)).map((f) => `${f.file}: ${f.field.slice(0, 80)}`)).toEqual([]);
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
		expect(boxes.filter((b) => !/\buse:roomLeft=\{\{ text: \w+, max: SEARCH_MAX \}\}/.test(b))).toEqual([]);
	});
});

// A name or a note cut at its maximum is a shorter name, and the room left says so. A URL, a key, an
// id, an e-mail address or a password cut there is another value (a webhook URL lost its host, then
// failed every delivery), saved as if typed: such fields are never cut, and their form's check
// (or the server) refuses one too long instead.
describe('fields whose cut value would be another value', () => {
	it('have no maximum that cuts them', () => {
		const files = [...consoleFiles('src/routes'), ...consoleFiles('src/lib/components')];
		const exact = /\btype="(url|email|password)"|\bid="[^"]*-(url|key|id)"|\bid="\{id\}-key"|\bname="(password|email|url)"/;
		const fields = files.flatMap((file) =>
			[...readFileSync(file, 'utf8').matchAll(/<input\b[^>]*>/g)].map((m) => ({ file, field: m[0].replace(/\s+/g, ' ') })).filter((f) => exact.test(f.field))
		);
		expect(fields.length).toBeGreaterThanOrEqual(5);
		expect(fields.filter((f) => /\bmaxlength=|\buse:roomLeft=/.test(f.field)).map((f) => `${f.file}: ${f.field.slice(0, 100)}`)).toEqual([]);
	});
});
