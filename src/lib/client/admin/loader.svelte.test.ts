import { describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { Loader } from './loader.svelte';

describe('an admin page loader', () => {
	it('is ready after a read that succeeds, and the page has what it read', async () => {
		let shown: number[] = [];
		const loader = new Loader(async () => {
			shown = [1, 2];
		});
		expect(loader.status).toBe('loading');
		await loader.load();
		expect([loader.status, loader.error, shown]).toEqual(['ready', null, [1, 2]]);
	});

	it('says it is offline when the request never got an answer, and clears that when a retry works', async () => {
		let online = false;
		const loader = new Loader(async () => {
			if (!online) throw new TypeError('Failed to fetch');
		});
		await loader.load();
		expect([loader.status, loader.error]).toEqual(['offline', 'You are offline. Try again when you have a connection.']);
		online = true;
		await loader.load();
		expect([loader.status, loader.error]).toEqual(['ready', null]);
	});

	it("gives the server's reason when it refused", async () => {
		const loader = new Loader(async () => {
			throw new Error('Only site admins can do this.');
		});
		await loader.load();
		expect([loader.status, loader.error]).toEqual(['error', 'Only site admins can do this.']);
	});

	it('tells what does not exist (no retry can help) from an outage (one may)', async () => {
		const refusal = (message: string, code: string, domainCode: string) => new TRPCClientError(message, { result: { error: { message, code: -32000, data: { code, domainCode } } } } as never);
		let answer = refusal('No such account.', 'NOT_FOUND', 'not_found');
		const loader = new Loader(async () => {
			throw answer;
		});
		await loader.load();
		expect([loader.status, loader.error]).toEqual(['not_found', 'No such account.']);
		answer = refusal('Quota cannot reach its database at the moment. Try again in a few seconds.', 'INTERNAL_SERVER_ERROR', 'unavailable');
		await loader.load();
		expect(loader.status).toBe('error');
	});

	it('passes its arguments on, and drops the failure of a read that a newer one superseded', async () => {
		const waiting: Record<string, { resolve: () => void; reject: (e: Error) => void }> = {};
		const asked: string[] = [];
		const loader = new Loader((id: string) => {
			asked.push(id);
			return new Promise<void>((resolve, reject) => (waiting[id] = { resolve, reject }));
		});
		const old = loader.load('old');
		const now = loader.load('new');
		waiting.new!.resolve();
		await now;
		waiting.old!.reject(new Error('late failure'));
		await old;
		expect([asked, loader.status, loader.error]).toEqual([['old', 'new'], 'ready', null]);
	});
});
