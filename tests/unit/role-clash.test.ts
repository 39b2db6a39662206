import { describe, expect, it } from 'vitest';
import { roleClash, roleSlip } from '../../src/lib/client/admin/role-clash';
import { SITE_ROLE_KEY_RULE } from '../../src/lib/role-key';

const roles = [
	{ key: 'admin', name: 'Admin' },
	{ key: 'subscriber', name: 'Member' }
];

describe('roleClash: a role’s key or name the list already has, said before anything is sent', () => {
	it('says a new role’s key is taken, in the server’s words', () => {
		expect(roleClash(roles, { key: 'subscriber ', name: 'Readers' }, true)).toEqual({
			field: 'key',
			text: 'The key “subscriber” is already the role “Member”: pick another key, or edit that role in the list.'
		});
	});

	it('says a name another role has, without case; a role keeps its own name when edited', () => {
		expect(roleClash(roles, { key: 'readers', name: ' member' }, true)).toEqual({ field: 'name', text: 'Another role is already called “Member”: give this one another name.' });
		expect(roleClash(roles, { key: 'subscriber', name: 'MEMBER' }, false)).toBeNull();
		expect(roleClash(roles, { key: 'subscriber', name: 'admin' }, false)).toMatchObject({ field: 'name' });
	});

	it('lets a new key and name through, and an empty name waits for the field’s own check', () => {
		expect(roleClash(roles, { key: 'readers', name: 'Readers' }, true)).toBeNull();
		expect(roleClash(roles, { key: 'readers', name: '' }, true)).toBeNull();
	});
});

describe('a role the server would refuse, said when Save is pressed', () => {
	it('says a malformed key first, then an empty name; a good role passes', () => {
		for (const key of ['', 'x', 'Editor', '1st', 'has space', 'a'.repeat(33)]) expect(roleSlip({ key, name: 'Editors' }), key).toEqual({ field: 'key', text: SITE_ROLE_KEY_RULE });
		expect(roleSlip({ key: 'editor', name: '  ' })).toEqual({ field: 'name', text: 'Name the role.' });
		expect(roleSlip({ key: ' editor_2-b ', name: 'Editors' })).toBeNull();
	});
});
