/**
 * UI strings: one catalog per area in `catalog/` (English is the reference; Korean and
 * Simplified Chinese must have every key, which the type checker enforces). The language comes
 * from the `lang` cookie (the visible switch) or else the browser's Accept-Language.
 * To add an area: create `catalog/<area>.ts` with `defineMessages` and list it in AREAS below.
 * @module
 */
import account from "./catalog/account.ts";
import admin from "./catalog/admin.ts";
import classes from "./catalog/classes.ts";
import common from "./catalog/common.ts";
import coursework from "./catalog/coursework.ts";
import join from "./catalog/join.ts";
import lectures from "./catalog/lectures.ts";
import attendance from "./catalog/attendance.ts";
import today from "./catalog/today.ts";
import notifications from "./catalog/notifications.ts";
import calendar from "./catalog/calendar.ts";
import recordings from "./catalog/recordings.ts";
import stream from "./catalog/stream.ts";
import clockin from "./catalog/clockin.ts";
import workspace from "./catalog/workspace.ts";

const AREAS = [
  common,
  account,
  join,
  admin,
  classes,
  coursework,
  lectures,
  attendance,
  today,
  notifications,
  calendar,
  recordings,
  stream,
  clockin,
  workspace,
] as const;

// Every key of every area: `keyof` of the union alone would keep only the keys all areas share.
type KeysOf<T> = T extends unknown ? keyof T : never;
type Messages = { [K in KeysOf<typeof AREAS[number]["en"]>]: string };
const merge = (lang: "en" | "ko" | "zh") =>
  Object.assign({}, ...AREAS.map((a) => a[lang])) as Messages;
const en = merge("en");

export const LOCALES = ["en", "ko", "zh"] as const;
export type Locale = typeof LOCALES[number];
export type MessageKey = keyof Messages;

/** Names of the languages in themselves, for the switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", ko: "한국어", zh: "简体中文" };

const CATALOGS: Record<Locale, Messages> = { en, ko: merge("ko"), zh: merge("zh") };

/** Looks up a message and fills `{name}` placeholders. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const translators = new Map<Locale, Translate>();

/** A translator for one language (made once per language). */
export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    const messages = CATALOGS[locale];
    t = (key, params) => {
      const text = messages[key] ?? en[key] ?? key;
      return params
        ? text.replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m))
        : text;
    };
    translators.set(locale, t);
  }
  return t;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** Picks the language: an explicit choice (cookie) first, then Accept-Language, then English. */
export function negotiateLocale(acceptLanguage: string | null, chosen?: string | null): Locale {
  if (isLocale(chosen)) return chosen;
  const ranked = (acceptLanguage ?? "").split(",").map((part, i) => {
    const [tag, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return { tag, q: q ? Number(q.slice(2)) || 0 : 1, i };
  }).filter((r) => r.tag && r.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const base = tag.split("-")[0];
    if (isLocale(base)) return base;
  }
  return "en";
}
