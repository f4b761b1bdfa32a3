/** True in the browser; false while the server renders a page (entry-server.ts), where there is no window. */
export const browser = typeof window !== 'undefined';
