// One page per account: its address is not known when the app shell is built.
export const prerender = false;
