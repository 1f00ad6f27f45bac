/**
 * The search and paging parameters of list pages, read from the URL once, the same way on
 * every page: `?q=` trimmed to 100 characters, `?offset=` a whole number >= 0. A page with two
 * lists names its own parameters (the class page's attendance uses `aq` and `aoffset`).
 * @module
 */

/** `?q=` and `?offset=` (or the names given), cleaned. */
export function pageQuery(
  url: URL,
  names: { q: string; offset: string } = { q: "q", offset: "offset" },
): { q: string; offset: number } {
  const q = (url.searchParams.get(names.q) ?? "").trim().slice(0, 100);
  const offset = Math.max(0, Math.floor(Number(url.searchParams.get(names.offset)) || 0));
  return { q, offset };
}
