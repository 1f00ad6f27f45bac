/**
 * Response shapes the API shares, from the same zod schemas that validate stored records.
 * @module
 */
import { z } from "zod";
import { ClassSchema } from "../classes/classes.ts";
import { UserSchema } from "../orgs/users.ts";

/** A user as the API shows it: never the password hash. */
export const PublicUserSchema = UserSchema.omit({ passwordHash: true }).extend({
  hasPassword: z.boolean(),
});
export type PublicUser = z.infer<typeof PublicUserSchema>;

export function publicUser(user: z.infer<typeof UserSchema>): PublicUser {
  const { passwordHash, ...rest } = user;
  return { ...rest, hasPassword: !!passwordHash };
}

export const ClassViewSchema = ClassSchema.extend({
  /** The asker's standing in the class. */
  myRole: z.enum(["admin", "teacher", "student"]),
});

export const ClassParamsSchema = z.object({ classId: z.string().min(1).max(40) });
