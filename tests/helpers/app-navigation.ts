// `$app/navigation` in the unit tests: no router runs there, so a navigation is recorded, not made.
export const navigations: { url: string; replaceState: boolean }[] = [];

export async function goto(url: string, opts: { replaceState?: boolean } = {}): Promise<void> {
	navigations.push({ url, replaceState: opts.replaceState ?? false });
}
