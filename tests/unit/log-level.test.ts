import { describe, expect, it } from 'vitest';
import { applyLogLevel } from '../../src/lib/server/log';

/** A console whose methods record what reached them, and an error method LOG_LEVEL never quiets. */
function fakeConsole() {
	const lines: string[] = [];
	const at = (level: string) => (text: string) => void lines.push(`${level} ${text}`);
	return { lines, target: { debug: at('debug'), info: at('info'), log: at('log'), warn: at('warn'), error: at('error') } };
}

function printed(level: 'debug' | 'info' | 'warn' | 'error') {
	const { lines, target } = fakeConsole();
	applyLogLevel(level, target);
	for (const method of ['debug', 'info', 'log', 'warn', 'error'] as const) target[method](method);
	return lines;
}

describe('LOG_LEVEL', () => {
	it('keeps what is at the level and above, and quiets the rest', () => {
		expect(printed('debug')).toEqual(['debug debug', 'info info', 'log log', 'warn warn', 'error error']);
		expect(printed('info')).toEqual(['info info', 'log log', 'warn warn', 'error error']);
		expect(printed('warn')).toEqual(['warn warn', 'error error']);
		expect(printed('error')).toEqual(['error error']);
	});
});
