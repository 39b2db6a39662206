import { describe, expect, it } from 'vitest';
import { SiteNames } from './names.svelte';

describe('the site’s names on the admin pages', () => {
	it('shows a module, model or role by its name once read, and an unknown key as itself; says how many hold a role', async () => {
		const names = new SiteNames(async () => ({
			modules: [{ key: 'chat', name: 'Chatbot' }],
			models: [{ key: 'gpt-5-nano', name: 'GPT-5 Nano' }],
			roles: [{ key: 'author', name: 'Author', users: 3 }]
		}));
		expect(names.module('chat')).toBe('chat'); // not read yet: the key, never a blank
		expect(names.holders('author')).toBe(null);
		await names.load();
		expect([names.module('chat'), names.model('gpt-5-nano'), names.role('author')]).toEqual(['Chatbot', 'GPT-5 Nano', 'Author']);
		expect([names.module('forms'), names.role('editor')]).toEqual(['forms', 'editor']);
		expect([names.holders('author'), names.holders('editor')]).toEqual([3, null]);
	});
});
