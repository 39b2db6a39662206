// The names the admin pages show for the site's keys: a module "chat" is "Chatbot", a model
// "gpt-5-nano" is "GPT-5 Nano", a role "author" is "Author". A key with no name (or before the
// names have come) shows as itself. In memory only, like everything on the admin pages.
import { trpc } from '../trpc';

type Named = { key: string; name: string };

export class SiteNames {
	#modules = $state.raw(new Map<string, string>());
	#models = $state.raw(new Map<string, string>());
	#roles = $state.raw(new Map<string, string>());

	constructor(
		private readonly read: () => Promise<{ modules: Named[]; models: Named[]; roles: Named[] }> = async () => {
			const [modules, models, roles] = await Promise.all([trpc().admin.modules.list.query(), trpc().admin.models.list.query(), trpc().admin.roles.list.query()]);
			return { modules, models, roles };
		}
	) {}

	/** Reads the names; a failure leaves the keys showing (the page's own load says what failed). */
	async load(): Promise<void> {
		const { modules, models, roles } = await this.read();
		const map = (items: Named[]) => new Map(items.map((i) => [i.key, i.name]));
		[this.#modules, this.#models, this.#roles] = [map(modules), map(models), map(roles)];
	}

	module = (key: string): string => this.#modules.get(key) ?? key;
	model = (key: string): string => this.#models.get(key) ?? key;
	role = (key: string): string => this.#roles.get(key) ?? key;
}
