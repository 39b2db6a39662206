// Where an accepted invitation leads: the Team page of the team joined, which says so once; someone
// already in it has nothing new to be told.
import { describe, expect, it } from 'vitest';
import { JOINED_PARAM, pathAfterJoining } from '../../src/lib/team-joined';

describe('the page after an accepted team invitation', () => {
	it('is the Team page naming the team joined, for the page to say so', () => {
		const path = pathAfterJoining({ teamId: '38d736ea-1263-4c8c-96f5-ee823b20f4aa', alreadyMember: false });
		const url = new URL(path, 'http://quota.test');
		expect(url.pathname).toBe('/team');
		expect(url.searchParams.get(JOINED_PARAM)).toBe('38d736ea-1263-4c8c-96f5-ee823b20f4aa');
	});

	it('is the dashboard, saying nothing, for someone who was in the team already', () => {
		expect(pathAfterJoining({ teamId: '38d736ea-1263-4c8c-96f5-ee823b20f4aa', alreadyMember: true })).toBe('/dashboard');
	});
});
