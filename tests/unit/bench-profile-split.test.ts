// bench:consume's split of a profiled app's time (bench/profile-split.ts): Node's own code counts
// for the library or app code that called it, so a socket write is the database client's when
// postgres.js makes it and HTTP's when a response is written.
import { describe, expect, it } from 'vitest';
import { breakdown, type CpuProfile, type ProfileNode } from '../../bench/profile-split';

/** A profile of one sample (100 µs) at the end of each stack, each stack a list of [function, url] from the root outwards in. */
function profileOf(stacks: [string, string][][]): CpuProfile {
	const nodes: ProfileNode[] = [{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: 0, columnNumber: 0 }, children: [] }];
	const samples: number[] = [];
	for (const stack of stacks) {
		let parent = nodes[0]!;
		for (const [functionName, url] of stack) {
			const node: ProfileNode = { id: nodes.length + 1, callFrame: { functionName, url, lineNumber: 0, columnNumber: 0 }, children: [] };
			parent.children!.push(node.id);
			nodes.push(node);
			parent = node;
		}
		samples.push(parent.id);
	}
	return { nodes, samples, timeDeltas: samples.map(() => 100) };
}

const partOf = (stack: [string, string][]) => breakdown(profileOf([stack]), 1, 0, 1e9).parts.map((p) => p.part);

describe('bench:consume’s profile split', () => {
	it('gives a socket write to the database client when postgres.js makes it, and to HTTP when a response is written', () => {
		expect(partOf([['write', 'file:///app/node_modules/postgres/src/connection.js'], ['_writeGeneric', 'node:net'], ['writeGeneric', 'node:internal/stream_base_commons'], ['writeBuffer', '']])).toEqual([
			'database client (postgres.js, drizzle, db/)'
		]);
		expect(partOf([['parserOnIncoming', 'node:_http_server'], ['handler', 'file:///app/node_modules/@sveltejs/adapter-node/files/handler.js'], ['end', 'node:_http_outgoing'], ['_writeGeneric', 'node:net'], ['writev', '']])).toEqual([
			'Node HTTP and adapter-node (sockets, parser, streams)'
		]);
	});

	it('gives Node’s own code that no library or app code called to the nearest Node part, and a built-in the app calls to the app’s part', () => {
		expect(partOf([['parserOnHeadersComplete', 'node:_http_common'], ['readStart', '']])).toEqual(['Node HTTP and adapter-node (sockets, parser, streams)']);
		expect(partOf([['runMicrotasks', '']])).toEqual(['Node built-ins (crypto, buffers, timers, promises)']);
		expect(partOf([['consume', 'file:///app/src/lib/server/ledger/spend.ts'], ['randomUUID', 'node:crypto'], ['secureBuffer', '']])).toEqual(['ledger call (quota_spend request and answer)']);
		expect(partOf([['(garbage collector)', '']])).toEqual(['garbage collection']);
		// SvelteKit's runtime, as the build's source maps name it.
		expect(partOf([['internal_respond', '../../../.svelte-kit/output/server/index.js'], ['stringify', '']])).toEqual(['serialising (JSON.stringify, Response)']);
		expect(partOf([['internal_respond', '../../../.svelte-kit/output/server/index.js'], ['emit', 'node:events']])).toEqual(['routing, SvelteKit and the other hooks']);
	});

	it('counts only the samples inside the measured span, per request', () => {
		const profile = profileOf([[['JSON.parse', ''], ['parse', '']], [['runMicrotasks', '']], [['(idle)', '']]]);
		expect(breakdown(profile, 2, 150, 250).parts).toEqual([{ part: 'Node built-ins (crypto, buffers, timers, promises)', us: 50 }]);
		expect(breakdown(profile, 1, 0, 1e9).parts).toEqual([
			{ part: 'parsing and validation (JSON.parse, zod, storable text)', us: 100 },
			{ part: 'Node built-ins (crypto, buffers, timers, promises)', us: 100 }
		]);
	});
});
