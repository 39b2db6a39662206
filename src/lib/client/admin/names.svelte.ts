// The names the admin pages show for the site's keys: a module "chat" is "Chatbot", a model
// "gpt-5-nano" is "GPT-5 Nano", a role "author" is "Author". A key with no name (or before the
// names have come) shows as itself. The roles' list also says how many users hold each, which a
// user's page reads to say at once that the site's last admin must stay one. In memory only, like
// everything on the admin pages.
import { trpc } from '../trpc';

type Named = { key: string; name: string };
type Role = Named & { users: number };

export class SiteNames {
	#modules = $state.raw(new Map<string, string>());
	#models = $state.raw(new Map<string, string>());
	#roles = $state.raw(new Map<string, string>());
	#holders = $state.raw(new Map<string, number>());

	constructor(
		private readonly read: () => Promise<{ modules: Named[]; models: Named[]; roles: Role[] }> = async () => {
			const [modules, models, roles] = await Promise.all([trpc().admin.modules.list.query(), trpc().admin.models.list.query(), trpc().admin.roles.list.query()]);
			return { modules, models, roles };
		}
	) {}

	/** Reads the names; a failure leaves the keys showing (the page's own load says what failed). */
	async load(): Promise<void> {
		const { modules, models, roles } = await this.read();
		const map = (items: Named[]) => new Map(items.map((i) => [i.key, i.name]));
		[this.#modules, this.#models, this.#roles] = [map(modules), map(models), map(roles)];
		this.#holders = new Map(roles.map((r) => [r.key, r.users]));
	}

	module = (key: string): string => this.#modules.get(key) ?? key;
	model = (key: string): string => this.#models.get(key) ?? key;
	role = (key: string): string => this.#roles.get(key) ?? key;
	/** How many users hold the role `key` (disabled ones too); null before the roles have come. */
	holders = (key: string): number | null => this.#holders.get(key) ?? null;
}
