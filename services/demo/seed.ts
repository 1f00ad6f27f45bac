/**
 * The demo school `deno task start` seeds into an empty store: an admin, two teachers and a
 * class of 30 students with Korean and English names. Development only (never in production).
 * @module
 */
import { hashPassword } from "../auth/passwords.ts";
import { addMemberOps } from "../classes/members.ts";
import { createClass } from "../classes/classes.ts";
import { commit } from "../db/kv.ts";
import { createOrg, findOrgBySlug } from "../orgs/orgs.ts";
import { createUserOps, newUser } from "../orgs/users.ts";

export const DEMO_SLUG = "demo";
export const DEMO_PASSWORD = "mirae-demo-2026";
export const DEMO_ADMIN = "admin@demo.mirae.test";
export const DEMO_TEACHERS = ["kim.teacher@demo.mirae.test", "smith.teacher@demo.mirae.test"];
export const DEMO_STUDENT_NUMBER = "2026001";

const STUDENT_NAMES = [
  "김민준",
  "이서연",
  "박지호",
  "최수아",
  "정도윤",
  "강하은",
  "조예준",
  "윤지우",
  "장서준",
  "임하윤",
  "한시우",
  "오서윤",
  "서주원",
  "신지민",
  "권은우",
  "Emma Johnson",
  "Liam Smith",
  "Olivia Brown",
  "Noah Williams",
  "Ava Jones",
  "Elijah Garcia",
  "Sophia Miller",
  "James Davis",
  "Isabella Wilson",
  "Lucas Moore",
  "Mia Taylor",
  "Mason Anderson",
  "Amelia Thomas",
  "Ethan Jackson",
  "Harper White",
];

export interface DemoInfo {
  school: string;
  password: string;
  admin: string;
  teachers: string[];
  student: { number: string; school: string };
}

/** Describes the demo sign-ins (whether just seeded or seeded before). */
export function demoInfo(): DemoInfo {
  return {
    school: DEMO_SLUG,
    password: DEMO_PASSWORD,
    admin: DEMO_ADMIN,
    teachers: DEMO_TEACHERS,
    student: { number: DEMO_STUDENT_NUMBER, school: DEMO_SLUG },
  };
}

/** True when the demo school exists. */
export async function hasDemo(kv: Deno.Kv): Promise<boolean> {
  return (await findOrgBySlug(kv, DEMO_SLUG)) !== null;
}

/** Seeds the demo school. `iterations` lowers the hash cost for tests only. */
export async function seedDemo(kv: Deno.Kv, opts: { iterations?: number } = {}): Promise<DemoInfo> {
  const org = await createOrg(kv, {
    name: "Mirae Demo School",
    kind: "school",
    slug: DEMO_SLUG,
    timeZone: "Asia/Seoul",
  });
  const hash = await hashPassword(DEMO_PASSWORD, opts.iterations);
  const admin = newUser({
    orgId: org.id,
    name: "Demo Admin",
    email: DEMO_ADMIN,
    role: "admin",
    passwordHash: hash,
    joinedVia: "seed",
  });
  const teachers = [
    newUser({
      orgId: org.id,
      name: "김선생",
      email: DEMO_TEACHERS[0],
      role: "teacher",
      passwordHash: hash,
      joinedVia: "seed",
    }),
    newUser({
      orgId: org.id,
      name: "Ms. Smith",
      email: DEMO_TEACHERS[1],
      role: "teacher",
      passwordHash: hash,
      joinedVia: "seed",
    }),
  ];
  const op = kv.atomic();
  for (const u of [admin, ...teachers]) createUserOps(op, u);
  await commit(op);
  const cls = await createClass(kv, org.id, {
    name: "3-1 Mathematics",
    grade: "3",
    subject: "Mathematics",
    teacherIds: teachers.map((t) => t.id),
  });
  const students = STUDENT_NAMES.map((name, i) =>
    newUser({
      orgId: org.id,
      name,
      studentNumber: String(2026001 + i),
      email: i >= 15 ? `${name.split(" ")[0].toLowerCase()}@demo.mirae.test` : undefined,
      role: "student",
      // One student can sign in with a password; the rest join by link.
      passwordHash: i === 0 ? hash : undefined,
      joinedVia: "seed",
    })
  );
  const sop = kv.atomic();
  for (const s of students) addMemberOps(createUserOps(sop, s, false), cls.id, s, "student");
  await commit(sop);
  return demoInfo();
}
