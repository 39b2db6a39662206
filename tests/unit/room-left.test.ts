import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { roomLeftWords } from '../../src/lib/client/admin/room-left';

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
		expect(fields.length).toBeGreaterThanOrEqual(18);
		expect(fields.filter((f) => !/\buse:roomLeft=\{/.test(f.field)).map((f) => `${f.file}: ${f.field.slice(0, 80)}`)).toEqual([]);
	});
});
