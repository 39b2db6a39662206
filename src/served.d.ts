// What `?served` imports give (vite.config.ts, widgetServed): the script's minified text.
declare module '*?served' {
	const text: string;
	export default text;
}
