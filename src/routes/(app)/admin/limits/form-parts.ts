// What `loadForms` (card-forms.svelte.ts) fetches: the Limits page's three forms in one chunk.
export { default as ModuleLimits } from './ModuleLimits.svelte';
export { default as ModuleRollover } from './ModuleRollover.svelte';
export { default as SiteSettings } from './SiteSettings.svelte';
