/** One area's UI strings in every language; Korean and Chinese must have every English key. */
export function defineMessages<const E extends Record<string, string>>(
  m: { en: E; ko: Record<keyof E, string>; zh: Record<keyof E, string> },
): { en: E; ko: Record<keyof E, string>; zh: Record<keyof E, string> } {
  return m;
}
