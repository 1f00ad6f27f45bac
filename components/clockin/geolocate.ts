/// <reference lib="dom" />
/**
 * One position reading in the browser, only when asked (a punch): high accuracy, 15 s at most,
 * never a cached reading. Bundled by the clock-in island; imports nothing from the server.
 * @module
 */

/** What is sent with a punch: degrees and the accuracy the browser reports, in metres. */
export interface Reading {
  lat: number;
  lng: number;
  accuracy: number;
}

/** Why there is no reading: refused by the person or the browser, none found, too slow. */
export type NoReading = "denied" | "unavailable" | "timeout" | "unsupported";

/** The options every reading uses (the issue's: precise, with a timeout, fresh). */
export const READING_OPTIONS: PositionOptions = {
  enableHighAccuracy: true,
  timeout: 15_000,
  maximumAge: 0,
};

/** Takes one reading. Never rejects. */
export function readPosition(): Promise<
  { ok: true; reading: Reading } | { ok: false; why: NoReading }
> {
  return new Promise((resolve) => {
    const geo = typeof navigator !== "undefined" ? navigator.geolocation : undefined;
    if (!geo) return resolve({ ok: false, why: "unsupported" });
    geo.getCurrentPosition(
      (p) =>
        resolve({
          ok: true,
          reading: {
            lat: p.coords.latitude,
            lng: p.coords.longitude,
            accuracy: p.coords.accuracy,
          },
        }),
      (e) =>
        resolve({
          ok: false,
          why: e.code === 1 ? "denied" : e.code === 3 ? "timeout" : "unavailable",
        }),
      READING_OPTIONS,
    );
  });
}
