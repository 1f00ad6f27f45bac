/**
 * Deciding and storing a punch (a clock-in or clock-out), and a person's own view of theirs.
 * The server decides, with the server's time, on the organization's clock:
 * - clock-in must be on (403);
 * - on an office network of one of the person's sites the punch is on site, no position
 *   needed (and none stored);
 * - otherwise a position is required and its accuracy must be within the limit (400 at
 *   `["position","accuracy"]` saying what to do);
 * - on a remote day of the person's shift any position is accepted ("remote", still labelled);
 * - otherwise the accuracy circle against the person's sites (geo.ts `judgeSites`): inside,
 *   outside, or uncertain, which is 409 until the person confirms it as outside;
 * - an outside punch needs a remark and a photo when the settings say so;
 * - flags for the manager: travel faster than MAX_SPEED_KMH since the last punch, a changed
 *   device (a hash of the `mirae_device` cookie);
 * - the same person in the same minute gets their first punch back (idempotent).
 * One read per punch (`punch_last` and `punch_minutes` together; the organization's setup is
 * cached for a second, cache.ts), one group commit (punch_writer.ts).
 * @module
 */
import { AppError, forbidden, notFound } from "../web/errors.ts";
import { type Translate, translator } from "../i18n/i18n.ts";
import { getManyFast, newId } from "../db/kv.ts";
import { listUserClassRoles } from "../classes/members.ts";
import { getFileEntries } from "../files/store.ts";
import { impliedSpeedKmh, ipInRanges, judgeSites, MAX_SPEED_KMH, type Position } from "./geo.ts";
import { describePosition, loadPlaces } from "./places.ts";
import { type Punch, PunchSchema } from "./model.ts";
import { type ClockinOrg, clockinOrg } from "./cache.ts";
import { departmentsAbove, sitesForPerson } from "./sites.ts";
import { resolveShiftIn } from "./shift_store.ts";
import { clockInWindow, weekdayOf } from "./shifts.ts";
import { punchKeys, writePunch } from "./punch_writer.ts";
import type { Site, StoredShift } from "./model.ts";

/** How long a quick clock-in can be undone, ms. */
export const UNDO_WINDOW_MS = 5 * 60_000;

/** What a person sends to punch. */
export interface PunchInput {
  kind?: "in" | "out";
  position?: Position;
  remark?: string;
  photoFileId?: string;
  source?: "tap" | "quick";
  outsideConfirmed?: boolean;
}

/** Who punches, from where. */
export interface PunchContext {
  orgId: string;
  userId: string;
  /** The client's address as the server saw it. */
  ip: string;
  /** A hash of the device cookie. */
  device?: string;
  now?: Date;
  /** The asker's language for refusals (English when absent). */
  t?: Translate;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day ("YYYY-MM-DD") of an instant on a clock. */
export function dayOn(at: Date, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    dayFormats.set(
      timeZone,
      f = new Intl.DateTimeFormat("en-CA", { timeZone, dateStyle: "short" }),
    );
  }
  return f.format(at);
}

const invalid = (path: (string | number)[], message: string) =>
  new AppError("validation_failed", "Some fields are not valid.", [{ path, message }]);

/** The next punch's kind after `last` on `day`: "out" while clocked in today, else "in". */
export function nextKind(last: Punch | null, day: string): "in" | "out" {
  return last && last.day === day && !last.undoneAt && last.kind === "in" ? "out" : "in";
}

/** A person's sites and shift within an organization's setup. */
export async function personSetup(
  kv: Deno.Kv,
  setup: ClockinOrg,
  userId: string,
): Promise<{ sites: Site[]; shift: StoredShift | null }> {
  let mine: string[] = [];
  if (setup.byDepartment) mine = (await listUserClassRoles(kv, userId)).map((r) => r.classId);
  return {
    sites: sitesForPerson(setup.sites, userId, departmentsAbove(setup.departments, mine)),
    shift: resolveShiftIn(setup.book, setup.departments, userId, mine),
  };
}

/** Whether `day` is a remote day of the shift (and not a holiday). */
export function isRemoteDay(shift: StoredShift | null, day: string, holidays: string[]): boolean {
  return !!shift && !holidays.includes(day) && shift.shift.remoteDays.includes(weekdayOf(day));
}

/**
 * Decides and stores a punch; `created` false when the person already punched this minute
 * (the first punch is returned). Throws the 4xx the module doc lists.
 */
export async function recordPunch(
  kv: Deno.Kv,
  ctx: PunchContext,
  input: PunchInput,
): Promise<{ punch: Punch; created: boolean }> {
  const now = ctx.now ?? new Date();
  const setup = await clockinOrg(kv, ctx.orgId, now.getTime());
  const { settings, org } = setup;
  const t = ctx.t ?? translator("en");
  if (!settings.enabled) throw forbidden(t("clockin.off"));
  const day = dayOn(now, org.timeZone);
  const minute = Math.floor(now.getTime() / 60_000);
  // Eventual reads (a read connection; a nearby replica when hosted): a punch of this
  // process still being written is known to the writer, and one just written elsewhere in the
  // same minute is at worst a second punch of that minute, never a lost one.
  const [lastEntry, minuteEntry] = await getManyFast(kv, [
    ["punch_last", ctx.userId],
    ["punch_minutes", ctx.userId, minute],
  ], () => false) as [Deno.KvEntryMaybe<Punch>, Deno.KvEntryMaybe<string>];
  const last = lastEntry.value ? PunchSchema.parse(lastEntry.value) : null;
  if (minuteEntry.value) {
    const same = last?.id === minuteEntry.value ? last : await getPunchById(
      kv,
      ctx.orgId,
      ctx.userId,
      minuteEntry.value,
      org.timeZone,
    );
    if (same) return { punch: same, created: false };
  }
  const { sites, shift } = await personSetup(kv, setup, ctx.userId);
  const network = sites.find((s) => s.networks.length && ipInRanges(ctx.ip, s.networks));
  const base = {
    id: newId(),
    orgId: ctx.orgId,
    userId: ctx.userId,
    day,
    at: now.toISOString(),
    kind: input.kind ?? nextKind(last, day),
    ...(ctx.device && { device: ctx.device }),
    source: input.source ?? "tap",
  } as const;
  let punch: Punch;
  if (network) {
    punch = {
      ...base,
      verdict: "network",
      siteId: network.id,
      label: { kind: "network", siteName: network.name },
      flags: [],
    };
  } else {
    const pos = input.position;
    if (!pos) {
      throw invalid(["position"], t("clockin.api.positionNeeded"));
    }
    if (pos.accuracy > settings.accuracyLimitM) {
      throw invalid(
        ["position", "accuracy"],
        t("clockin.api.accuracy", {
          accuracy: Math.round(pos.accuracy),
          limit: settings.accuracyLimitM,
        }),
      );
    }
    const remote = isRemoteDay(shift, day, settings.holidays);
    const judged = remote ? null : judgeSites(pos, sites);
    if (judged?.verdict === "uncertain" && !input.outsideConfirmed) {
      const message = t("clockin.api.uncertain", {
        distance: Math.round(judged.distanceM ?? 0),
        site: judged.site?.name ?? "",
        accuracy: Math.round(pos.accuracy),
      });
      throw new AppError("conflict", message, [{ path: ["outsideConfirmed"], message }]);
    }
    const verdict = remote ? "remote" : judged!.verdict === "inside" ? "inside" : "outside";
    if (verdict === "outside") await checkOutside(kv, ctx, setup, input, t);
    const places = await loadPlaces().catch(() => null);
    const label = places
      ? describePosition(pos, setup.sites, places)
      : { kind: "unknown" as const, accuracyM: Math.round(pos.accuracy) };
    const flags: Punch["flags"] = [];
    if (last?.lat !== undefined && last.lng !== undefined) {
      const kmh = impliedSpeedKmh({ lat: last.lat, lng: last.lng, at: last.at }, {
        ...pos,
        at: now,
      });
      if (kmh > MAX_SPEED_KMH) flags.push("speed");
    }
    punch = {
      ...base,
      verdict,
      ...(judged?.site && { siteId: judged.site.id }),
      label,
      lat: pos.lat,
      lng: pos.lng,
      accuracy: pos.accuracy,
      ...(verdict === "outside" && input.remark?.trim() && { remark: input.remark.trim() }),
      ...(verdict === "outside" && input.photoFileId && { photoFileId: input.photoFileId }),
      flags,
    };
  }
  if (input.source === "quick") {
    if (!settings.quick) throw invalid(["source"], t("clockin.api.quickOff"));
    if (punch.verdict !== "inside" && punch.verdict !== "network") {
      throw invalid(["source"], t("clockin.api.quickInside"));
    }
  }
  if (last?.device && ctx.device && last.device !== ctx.device) punch.flags.push("device");
  const expires = punch.lat === undefined
    ? null
    : now.getTime() + settings.retentionDays * 86_400_000;
  const stored = await writePunch(kv, punch, expires);
  return { punch: stored, created: stored.id === punch.id };
}

async function checkOutside(
  kv: Deno.Kv,
  ctx: PunchContext,
  setup: ClockinOrg,
  input: PunchInput,
  t: Translate,
): Promise<void> {
  const { settings } = setup;
  if (settings.outsideRemark && !input.remark?.trim()) {
    throw invalid(["remark"], t("clockin.api.remark"));
  }
  if (settings.outsidePhoto === "off" && input.photoFileId) {
    throw invalid(["photoFileId"], t("clockin.api.photoOff"));
  }
  if (settings.outsidePhoto === "required" && !input.photoFileId) {
    throw invalid(["photoFileId"], t("clockin.api.photoRequired"));
  }
  if (input.photoFileId) {
    const [file] = await getFileEntries(kv, [input.photoFileId]);
    const meta = file?.meta;
    if (!meta || meta.ownerId !== ctx.userId || meta.orgId !== ctx.orgId) {
      throw invalid(["photoFileId"], t("clockin.api.photoNotYours"));
    }
  }
}

/** One of a person's punches by id (the day is read from `punch_last` or searched near). */
export async function getPunchById(
  kv: Deno.Kv,
  orgId: string,
  userId: string,
  punchId: string,
  timeZone: string,
  around = new Date(),
): Promise<Punch | null> {
  // A punch's id does not carry its day: look on the day of `around` and the days beside it.
  for (const offset of [0, -1, 1]) {
    const day = dayOn(new Date(around.getTime() + offset * 86_400_000), timeZone);
    const e = await kv.get(["punches", orgId, day, userId, punchId]);
    if (e.value) return PunchSchema.parse(e.value);
  }
  return null;
}

/**
 * Undoes the person's own quick clock-in within UNDO_WINDOW_MS (it stays stored, marked
 * `undoneAt`, and no longer counts); 404 for any other punch.
 */
export async function undoPunch(
  kv: Deno.Kv,
  orgId: string,
  userId: string,
  punchId: string,
  now = new Date(),
  t?: Translate,
): Promise<Punch> {
  const lastEntry = await kv.get<Punch>(["punch_last", userId]);
  const last = lastEntry.value ? PunchSchema.parse(lastEntry.value) : null;
  const { org } = await clockinOrg(kv, orgId, now.getTime());
  const punch = last?.id === punchId && last.orgId === orgId
    ? last
    : await getPunchById(kv, orgId, userId, punchId, org.timeZone, now);
  if (
    !punch || punch.userId !== userId || punch.source !== "quick" || punch.undoneAt ||
    now.getTime() - Date.parse(punch.at) > UNDO_WINDOW_MS
  ) throw notFound((t ?? translator("en"))("clockin.api.undoNotFound"));
  const undone: Punch = { ...punch, undoneAt: now.toISOString() };
  const keys = punchKeys(punch);
  const entry = await kv.get(keys.punch);
  const op = kv.atomic().check(entry).set(keys.punch, undone);
  if (last?.id === punchId) op.check(lastEntry).set(keys.last, undone);
  const res = await op.commit();
  if (!res.ok) throw new AppError("conflict", "The punch changed; reload and try again.");
  return undone;
}

/** A person's punches of one day, in time order. */
export async function listDayPunches(
  kv: Deno.Kv,
  orgId: string,
  userId: string,
  day: string,
): Promise<Punch[]> {
  const out: Punch[] = [];
  for await (const e of kv.list({ prefix: ["punches", orgId, day, userId] })) {
    out.push(PunchSchema.parse(e.value));
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

/** What the clock-in page needs today (the contract in docs; `enabled: false` when off). */
export async function todayFor(kv: Deno.Kv, orgId: string, userId: string, now = new Date()) {
  const setup = await clockinOrg(kv, orgId, now.getTime());
  const { settings, org } = setup;
  if (!settings.enabled) return { enabled: false as const };
  const day = dayOn(now, org.timeZone);
  const [{ sites, shift }, punches] = await Promise.all([
    personSetup(kv, { ...setup, byDepartment: true }, userId),
    listDayPunches(kv, orgId, userId, day),
  ]);
  const counted = punches.filter((p) => !p.undoneAt);
  const lastPunch = punches.at(-1);
  return {
    enabled: true as const,
    quick: settings.quick,
    outsideRemark: settings.outsideRemark,
    outsidePhoto: settings.outsidePhoto,
    accuracyLimitM: settings.accuracyLimitM,
    serverTime: now.toISOString(),
    timeZone: org.timeZone,
    day,
    shift: shift ? shiftToday(shift, day, org.timeZone, settings.holidays) : null,
    sites: sites.map((s) => ({ id: s.id, name: s.name })),
    punches,
    next: counted.at(-1)?.kind === "in" ? "out" as const : "in" as const,
    ...(lastPunch && { lastPunch }),
  };
}

function shiftToday(shift: StoredShift, day: string, timeZone: string, holidays: string[]) {
  const s = shift.shift;
  const wd = weekdayOf(day);
  const hours = s.kind === "fixed"
    ? s.days[wd]
    : s.days[wd]
    ? { start: s.coreStart, end: s.coreEnd }
    : null;
  const window = clockInWindow(s, day, timeZone);
  return {
    name: s.name,
    kind: s.kind,
    ...(hours && { expected: { start: hours.start, end: hours.end } }),
    ...(window && {
      window: {
        opens: window.opens.toISOString(),
        start: window.start.toISOString(),
        closes: window.closes.toISOString(),
      },
    }),
    remote: isRemoteDay(shift, day, holidays),
    holiday: holidays.includes(day),
    rest: !hours,
  };
}

/**
 * Everything stored about a person's punches of a month ("YYYY-MM", on the organization's
 * clock), with the corrections of their days and their makeup requests for that month.
 */
export async function myMonth(kv: Deno.Kv, orgId: string, userId: string, month: string) {
  const [y, m] = month.split("-").map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const dayList = Array.from(
    { length: days },
    (_, i) => `${month}-${String(i + 1).padStart(2, "0")}`,
  );
  const perDay = await Promise.all(dayList.map((d) => listDayPunches(kv, orgId, userId, d)));
  const corrections: unknown[] = [];
  for await (
    const e of kv.list<{ day?: string }>({ prefix: ["punch_corrections", orgId, userId] })
  ) {
    if (e.value?.day?.startsWith(month)) corrections.push(e.value);
  }
  const ids: string[] = [];
  for await (const e of kv.list({ prefix: ["makeup_by_user", userId] })) {
    ids.push(e.key[2] as string);
  }
  const makeupRequests: unknown[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    for (const e of await kv.getMany(ids.slice(i, i + 10).map((id) => ["makeup_requests", id]))) {
      const r = e.value as { orgId?: string; payload?: { day?: string } } | null;
      if (r?.orgId === orgId && r.payload?.day?.startsWith(month)) makeupRequests.push(r);
    }
  }
  return { punches: perDay.flat(), corrections, makeupRequests };
}
