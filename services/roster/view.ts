/**
 * The roster as the API shows it: admins and the class's teachers see emails and student
 * numbers; the class's students see names and roles only, and their search matches names only
 * (matching hidden fields would let them spell out a classmate's email letter by letter).
 * @module
 */
import { z } from "zod";
import { listClassMembers, MemberRoleSchema, type RosterQuery } from "../classes/members.ts";

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
  const page = await listClassMembers(kv, classId, {
    ...query,
    namesOnly: !opts.contactDetails,
  });
  return {
    ...page,
    items: page.items.map(({ userId, name, role, email, studentNumber }) =>
      opts.contactDetails ? { userId, name, role, email, studentNumber } : { userId, name, role }
    ),
  };
}
