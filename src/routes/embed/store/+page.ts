// The ticket lives in the fragment and this tab's sessionStorage, which only the browser sees.
export const ssr = false;
