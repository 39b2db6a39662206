// A role's key or name that the site's list already has, said beside its field as it is typed, in
// the words the server refuses it with (accounts/roles.ts saveSiteRole: it still refuses both, for a
// list that is out of date). Names are compared without case: pickers show roles by name.

import { SITE_ROLE_KEY, SITE_ROLE_KEY_RULE } from '$lib/role-key';

type Role = { key: string; name: string };

export interface RoleClash {
	field: 'key' | 'name';
	text: string;
}

/** Why `form` cannot be saved among `roles` (a new role when `isNew`), or null. */
export function roleClash(roles: readonly Role[], form: Role, isNew: boolean): RoleClash | null {
	const key = form.key.trim();
	const same = isNew ? roles.find((r) => r.key === key) : undefined;
	if (same) return { field: 'key', text: `The key “${key}” is already the role “${same.name}”: pick another key, or edit that role in the list.` };
	const name = form.name.trim().toLowerCase();
	const namesake = name ? roles.find((r) => r.key !== key && r.name.toLowerCase() === name) : undefined;
	if (namesake) return { field: 'name', text: `Another role is already called “${namesake.name}”: give this one another name.` };
	return null;
}

/** A key or name the server would refuse (accounts/roles.ts), said beside its field when Save is pressed; null when both will do. */
export function roleSlip(form: Role): RoleClash | null {
	if (!SITE_ROLE_KEY.test(form.key.trim())) return { field: 'key', text: SITE_ROLE_KEY_RULE };
	if (!form.name.trim()) return { field: 'name', text: 'Name the role.' };
	return null;
}
