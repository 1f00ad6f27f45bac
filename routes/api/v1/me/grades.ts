import { requireActor } from "@/services/auth/access.ts";
import { listMyGrades, MyGradesSchema } from "@/services/coursework/gradebook.ts";
import { defineApi, errorResponses, json } from "@/services/web/api.ts";

/** The signed-in student's assignments and released grades, by class. */
export const GET = defineApi({
  summary: "My assignments and released grades",
  description: "For each class the signed-in user studies in: its published and closed " +
    "assignments with their status, and grades once released (drafts never appear).",
  tags: ["coursework"],
  security: [{ bearer: [] }],
  responses: { 200: json(MyGradesSchema, "By class"), 401: errorResponses[401] },
}, async (c) => {
  const { kv } = c.var.state;
  const { user } = requireActor(c.var.state);
  return c.json(await listMyGrades(kv, user), 200);
});
