/**
 * An organization's clock-in settings: read with the defaults when none were saved (clock-in
 * off), saved by a workspace admin as a partial change validated as a whole.
 * @module
 */
import { z } from "zod";
import { getRecord } from "../db/kv.ts";
import { validateInput } from "../web/errors.ts";
import { type ClockinSettings, ClockinSettingsSchema, DEFAULT_CLOCKIN_SETTINGS } from "./model.ts";

/** The key of an organization's settings. */
export const settingsKey = (orgId: string): Deno.KvKey => ["clockin_settings", orgId];

type Fields = typeof ClockinSettingsSchema.shape;

/**
 * What an admin may change: any of the settings' fields, unknown fields refused. (The
 * defaults are taken off: a change that leaves a field out keeps its saved value.)
 */
export const ClockinSettingsPatchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(ClockinSettingsSchema.shape).map(([k, v]) => [k, v.unwrap().optional()]),
  ) as { [K in keyof Fields]: z.ZodOptional<ReturnType<Fields[K]["unwrap"]>> },
);
export type ClockinSettingsPatch = z.input<typeof ClockinSettingsPatchSchema>;

/** Parses a stored value (or none) into settings, with defaults for absent fields. */
export function settingsFrom(value: unknown): ClockinSettings {
  return value == null ? { ...DEFAULT_CLOCKIN_SETTINGS } : ClockinSettingsSchema.parse(value);
}

/** The organization's clock-in settings; the defaults (clock-in off) when none were saved. */
export async function getClockinSettings(kv: Deno.Kv, orgId: string): Promise<ClockinSettings> {
  return (await getRecord(kv, ClockinSettingsSchema, settingsKey(orgId))) ??
    { ...DEFAULT_CLOCKIN_SETTINGS };
}

/**
 * Saves a change to the settings (absent fields stay as they are); 400 with the field when a
 * value is out of range. Holidays are stored sorted, without repeats.
 */
export async function saveClockinSettings(
  kv: Deno.Kv,
  orgId: string,
  patch: ClockinSettingsPatch,
): Promise<ClockinSettings> {
  const change = validateInput(ClockinSettingsPatchSchema, patch);
  const current = await getClockinSettings(kv, orgId);
  const next = validateInput(ClockinSettingsSchema, { ...current, ...stripUndefined(change) });
  next.holidays = [...new Set(next.holidays)].sort();
  await kv.set(settingsKey(orgId), next);
  return next;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
