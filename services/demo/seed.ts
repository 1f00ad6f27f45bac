/**
 * The demo school `deno task start` seeds into an empty store: an admin, two teachers and a
 * class of 30 students with Korean and English names ("3-1 Mathematics", left empty for you to
 * try things in), and a second class with the same students that shows every part without
 * setup ("3-1 Science"): a lecture starting a few minutes after the seed, past lectures with
 * attendance (written by the webhook service, as LiveKit's events would), an assignment with
 * work to grade, one graded and released for the demo student, and one they missed. Every time
 * is relative to the moment of seeding. The school's staff workspace is on, and a demo
 * company sits beside it (workspace.ts). Development only (never in production).
 * @module
 */
import { applyEvent, type LiveKitEvent } from "../attendance/webhooks.ts";
import { hashPassword } from "../auth/passwords.ts";
import { addMemberOps } from "../classes/members.ts";
import { type Class, createClass } from "../classes/classes.ts";
import { createAssignment, publishAssignment } from "../coursework/assignments.ts";
import { utcToZonedTime } from "../coursework/due_time.ts";
import { releaseGrade, saveGradeDraft } from "../coursework/grading.ts";
import { submitWork } from "../coursework/submissions.ts";
import { commit } from "../db/kv.ts";
import { scheduleLecture } from "../lectures/lectures.ts";
import { type Lecture, LectureSchema } from "../lectures/model.ts";
import { createOrg, findOrgBySlug, type Org } from "../orgs/orgs.ts";
import { createUserOps, newUser, type User } from "../orgs/users.ts";
import {
  DEMO_COMPANY_ADMIN,
  DEMO_COMPANY_EMPLOYEE,
  DEMO_COMPANY_MANAGER,
  DEMO_COMPANY_SLUG,
  seedDemoCompany,
  seedSchoolWorkspace,
} from "./workspace.ts";

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
  /** The demo company's sign-ins (same password). */
  company: { code: string; admin: string; manager: string; employee: string };
}

/** Describes the demo sign-ins (whether just seeded or seeded before). */
export function demoInfo(): DemoInfo {
  return {
    school: DEMO_SLUG,
    password: DEMO_PASSWORD,
    admin: DEMO_ADMIN,
    teachers: DEMO_TEACHERS,
    student: { number: DEMO_STUDENT_NUMBER, school: DEMO_SLUG },
    company: {
      code: DEMO_COMPANY_SLUG,
      admin: DEMO_COMPANY_ADMIN,
      manager: DEMO_COMPANY_MANAGER,
      employee: DEMO_COMPANY_EMPLOYEE,
    },
  };
}

/** True when the demo school exists. */
export async function hasDemo(kv: Deno.Kv): Promise<boolean> {
  return (await findOrgBySlug(kv, DEMO_SLUG)) !== null;
}

/**
 * Seeds the demo school. `iterations` lowers the hash cost for tests only; `now` is the
 * moment every demo time is relative to.
 */
export async function seedDemo(
  kv: Deno.Kv,
  opts: { iterations?: number; now?: Date } = {},
): Promise<DemoInfo> {
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
  await seedScience(kv, org, teachers[0], students, opts.now ?? new Date());
  await seedSchoolWorkspace(kv, org, teachers[0], teachers[1]);
  await seedDemoCompany(kv, hash);
  return demoInfo();
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The demo's lived-in class: lectures to come and gone, work to do, grade and see graded. */
async function seedScience(kv: Deno.Kv, org: Org, teacher: User, students: User[], now: Date) {
  const t = now.getTime();
  const cls = await createClass(kv, org.id, {
    name: "3-1 Science",
    grade: "3",
    subject: "Science",
    teacherIds: [teacher.id],
  });
  const mop = kv.atomic();
  for (const s of students) addMemberOps(mop, cls.id, s, "student");
  await commit(mop);

  // A lecture a newcomer can go live in (teacher) or wait for (student) right away.
  await scheduleLecture(kv, cls, teacher.id, {
    title: "Photosynthesis: how leaves make food",
    startsAt: new Date(t + 10 * MIN).toISOString(),
  });
  await scheduleLecture(kv, cls, teacher.id, {
    title: "The water cycle",
    startsAt: new Date(t + DAY + 2 * HOUR).toISOString(),
  });
  // Past lectures and due times on the hour, as teachers set them.
  const onTheHour = (ms: number) => Math.ceil(ms / HOUR) * HOUR;
  for (const [i, title] of ["Cells and tissues", "Microscopes", "Living things"].entries()) {
    const openedAt = onTheHour(t - (i * 2 + 1) * DAY - 3 * HOUR);
    await pastLecture(kv, cls, teacher, students, title, openedAt);
  }

  const assign = async (title: string, dueMs: number, instructions: string) => {
    const draft = await createAssignment(kv, cls, {
      title,
      instructions,
      points: 10,
      due: utcToZonedTime(new Date(onTheHour(dueMs)), org.timeZone),
      reminderHours: [],
    }, teacher.id);
    return await publishAssignment(kv, org.id, draft.id, new Date(dueMs - 5 * DAY));
  };
  const [demoStudent, ...others] = students;
  // Due in 3 days: several students handed in (work to grade), the demo student not yet.
  const diagram = await assign(
    "Plant cell diagram",
    t + 3 * DAY,
    "Draw a **plant cell** and label the cell wall, chloroplasts and vacuole.",
  );
  for (const s of others.slice(0, 6)) {
    await submitWork(kv, {
      assignment: diagram,
      student: s,
      text:
        `${s.name}: my labelled diagram is described below.\n\nCell wall, membrane, chloroplasts, vacuole, nucleus.`,
      fileIds: [],
      now: new Date(t - HOUR),
    });
  }
  // Due two days ago: the demo student's work is graded and released; two others wait.
  const journal = await assign(
    "Leaf observation journal",
    t - 2 * DAY,
    "Observe a leaf for three days and write down what changes.",
  );
  for (const s of [demoStudent, ...others.slice(0, 2)]) {
    await submitWork(kv, {
      assignment: journal,
      student: s,
      text: "Day 1: green and firm. Day 2: the edges curl. Day 3: it turns yellow near the stem.",
      fileIds: [],
      now: new Date(t - 3 * DAY),
    });
  }
  await saveGradeDraft(kv, journal, demoStudent.id, {
    points: 9,
    feedback: "Careful observations. Next time, add a sketch for each day.",
  }, teacher.id);
  await releaseGrade(kv, journal, demoStudent.id);
  // Due yesterday, and the demo student missed it (late work is still taken).
  await assign(
    "Vocabulary quiz corrections",
    t - DAY,
    "Correct the words you missed in the quiz and use each in a sentence.",
  );
}

/**
 * A lecture held at `openedAt` (ms) for 45 minutes: most students join on time, some late,
 * a few not at all. Its attendance is written by the webhook service from the events LiveKit
 * would have sent, and the room's close ends the lecture there, as in a real one.
 */
async function pastLecture(
  kv: Deno.Kv,
  cls: Class,
  teacher: User,
  students: User[],
  title: string,
  openedAt: number,
) {
  const scheduled = await scheduleLecture(kv, cls, teacher.id, {
    title,
    startsAt: new Date(openedAt).toISOString(),
  });
  // Opening creates a room on the media server at the present moment; the demo's history
  // starts it in the past instead.
  const entry = await kv.get(["lectures", scheduled.id]);
  const live: Lecture = LectureSchema.parse({
    ...scheduled,
    status: "live",
    openedAt: new Date(openedAt).toISOString(),
  });
  await commit(kv.atomic().check(entry).set(entry.key, live));
  const endsAt = openedAt + 45 * MIN;
  const event = async (ev: Omit<LiveKitEvent, "id" | "numDropped" | "roomName">) => {
    const full: LiveKitEvent = {
      ...ev,
      id: `EV_demo_${crypto.randomUUID()}`,
      numDropped: 0,
      roomName: live.roomName,
    };
    await applyEvent(kv, full, { now: ev.createdAt });
  };
  const attend = async (who: User, role: "teacher" | "student", from: number, to: number) => {
    const participant = {
      sid: `PA_${crypto.randomUUID().slice(0, 12)}`,
      identity: who.id,
      name: who.name,
      role,
      joinedAt: from,
      standard: true,
    };
    await event({ event: "participant_joined", createdAt: from, participant });
    await event({ event: "participant_left", createdAt: to, participant });
  };
  await attend(teacher, "teacher", openedAt, endsAt);
  for (const [i, s] of students.entries()) {
    if (i % 9 === 8) continue; // absent
    const late = i % 7 === 3;
    const from = openedAt + (late ? 18 : 1 + (i % 4)) * MIN;
    const to = i % 11 === 5 ? openedAt + 12 * MIN : endsAt; // some leave early
    await attend(s, "student", from, to);
  }
  await event({ event: "room_finished", createdAt: endsAt + MIN });
}
