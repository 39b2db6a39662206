// An admin list's filters kept in its page's URL query (?search=ada&sort=balance), so a reload, the
// back button or a shared link shows the same list. A value at its default stays out of the URL.

type Fields = Record<string, string>;

/**
 * Other names a link may give a field: `?q=` is the search, as a newcomer and many admin tools type
 * it. Read when the field's own name is absent; the list then writes its own name (`?search=`) back.
 */
const ALIASES: Fields = { search: 'q' };

/**
 * The filters the URL names, each field's default where it names none (or, for a field with a list
 * of `choices`, none of them: a hand-edited or outdated link still opens the list).
 */
export function queryFromUrl<Q extends Fields>(url: URL, defaults: Q, choices: { [K in keyof Q]?: readonly Q[K][] } = {}): Q {
	const q = { ...defaults };
	for (const key of Object.keys(defaults) as (keyof Q & string)[]) {
		const value = url.searchParams.get(key) ?? (ALIASES[key] ? url.searchParams.get(ALIASES[key]) : null);
		if (value !== null && (!choices[key] || choices[key].includes(value as Q[typeof key]))) q[key] = value as Q[typeof key];
	}
	return q;
}

/** `url` with the filters as its query, each by its own name (an alias it was read by goes; other parameters kept), or null when it already says them. */
export function urlWithQuery<Q extends Fields>(url: URL, query: Q, defaults: Q): URL | null {
	const next = new URL(url);
	for (const [key, value] of Object.entries(query)) {
		if (ALIASES[key]) next.searchParams.delete(ALIASES[key]);
		if (value === defaults[key]) next.searchParams.delete(key);
		else next.searchParams.set(key, value);
	}
	return next.search === url.search ? null : next;
}
