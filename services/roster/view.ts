/**
 * The roster as the API shows it: admins and the class's teachers see emails and student
 * numbers; the class's students see names and roles only, and their search matches names only
 * (matching hidden fields would let them spell out a classmate's email letter by letter).
 * @module
 */
import { z } from "zod";
import {
  type ClassMember,
  listClassMembers,
  MemberRoleSchema,
  type RosterQuery,
} from "../classes/members.ts";

export const RosterEntrySchema = z.object({
  userId: z.string(),
  name: z.string(),
  role: MemberRoleSchema,
  email: z.string().optional(),
  studentNumber: z.string().optional(),
});
export type RosterEntry = z.infer<typeof RosterEntrySchema>;

export const RosterPageSchema = z.object({
  items: z.array(RosterEntrySchema),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
});
export type RosterPage = z.infer<typeof RosterPageSchema>;

/**
 * One page of a class roster, teachers first, then by name; emails and student numbers only
 * when `contactDetails`.
 */
export async function listRosterView(
  kv: Deno.Kv,
  classId: string,
  query: RosterQuery,
  opts: { contactDetails: boolean },
): Promise<RosterPage> {
  if (opts.contactDetails) {
    const page = await listClassMembers(kv, classId, query);
    return {
      ...page,
      items: page.items.map(({ userId, name, role, email, studentNumber }) => ({
        userId,
        name,
        role,
        email,
        studentNumber,
      })),
    };
  }
  const q = query.q?.trim().toLowerCase();
  if (!q) {
    const page = await listClassMembers(kv, classId, query);
    return { ...page, items: page.items.map(({ userId, name, role }) => ({ userId, name, role })) };
  }
  // listClassMembers also matches emails and numbers, so students' searches scan here, with
  // its order (teachers first, then by name) and its paging bounds.
  const rows: RosterEntry[] = [];
  for await (const e of kv.list<ClassMember>({ prefix: ["class_members", classId] })) {
    const { userId, name, role } = e.value;
    if ((!query.role || role === query.role) && name.toLowerCase().includes(q)) {
      rows.push({ userId, name, role });
    }
  }
  const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
  rows.sort((a, b) =>
    a.role === b.role ? collator.compare(a.name, b.name) : a.role === "teacher" ? -1 : 1
  );
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  return { items: rows.slice(offset, offset + limit), total: rows.length, offset, limit };
}
