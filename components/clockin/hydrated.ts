/**
 * Whether an island has hydrated in the browser: false in the server's render and the first
 * browser render, true after. Controls stay off until then (a press before it would do
 * nothing), and `data-hydrated` says so to tests.
 * @module
 */
import { useEffect, useState } from "preact/hooks";

/** True once the island runs in the browser. */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
