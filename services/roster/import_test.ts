import assert from "node:assert/strict";
import { randomClass, randomOrg, randomUser } from "@/tests/helpers.ts";
import { setClassArchived } from "../classes/classes.ts";
import { type ClassMember, getMemberRole } from "../classes/members.ts";
import { findUserByEmail, findUserByNumber } from "../orgs/users.ts";
import { AppError } from "../web/errors.ts";
import { analyzeRoster, importRoster, MAX_ROSTER_ROWS, type RosterReport } from "./import.ts";

/**
 * A school with a class that already has a teacher and a student, another student of the
 * school who is not in the class, an admin, and a person of another school.
 */
async function setup(kv: Deno.Kv) {
  const org = await randomOrg(kv);
  const other = await randomOrg(kv);
  const admin = await randomUser(kv, org.id, "admin", { email: "admin@school.example" });
  const teacher = await randomUser(kv, org.id, "teacher", { email: "teacher@school.example" });
  const member = await randomUser(kv, org.id, "student", {
    name: "Member Student",
    email: "member@school.example",
    studentNumber: "M1",
  });
  const nonMember = await randomUser(kv, org.id, "student", {
    name: "Other Class Student",
    email: "nonmember@school.example",
    studentNumber: "N1",
  });
  const outsider = await randomUser(kv, other.id, "student", { email: "outsider@other.example" });
  const cls = await randomClass(kv, org.id, { teachers: [teacher], students: [member] });
  return { org, other, admin, teacher, member, nonMember, outsider, cls };
}

async function withWorld(fn: (kv: Deno.Kv, w: Awaited<ReturnType<typeof setup>>) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv, await setup(kv));
  } finally {
    kv.close();
  }
}

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

/** Counts of every kind of key an import writes. */
async function snapshot(kv: Deno.Kv, orgId: string, classId: string) {
  return {
    users: await countKeys(kv, ["users"]),
    usersByOrg: await countKeys(kv, ["users_by_org", orgId]),
    usersByOrgRole: await countKeys(kv, ["users_by_org_role", orgId]),
    usersByEmail: await countKeys(kv, ["users_by_email"]),
    usersByNumber: await countKeys(kv, ["users_by_number", orgId]),
    members: await countKeys(kv, ["class_members", classId]),
    classesByUser: await countKeys(kv, ["classes_by_user"]),
  };
}

/** Runs `fn` and returns the AppError it throws (failing when it does not throw one). */
async function rejection(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  assert.fail("expected an AppError");
}

type Counts = RosterReport["counts"];
const counts = (create: number, add = 0, unchanged = 0, invalid = 0): Counts => ({
  create,
  add,
  unchanged,
  invalid,
});

interface Case {
  name: string;
  csv: string;
  totalRows: number;
  counts: Counts;
  /** Every error, in order: line, column, and a pattern the message matches. */
  errors?: [number, string | undefined, RegExp][];
  warnings?: [number, RegExp][];
  /** The first row previews, exactly. */
  rows?: NonNullable<RosterReport["rows"]>;
}

const CASES: Case[] = [
  {
    name: "BOM and CRLF line endings",
    csv: "\uFEFFname,email\r\nAda Lovelace,ada@example.org\r\nAlan Turing,alan@example.org\r\n",
    totalRows: 2,
    counts: counts(2),
    rows: [
      {
        line: 2,
        name: "Ada Lovelace",
        email: "ada@example.org",
        role: "student",
        action: "create",
      },
      {
        line: 3,
        name: "Alan Turing",
        email: "alan@example.org",
        role: "student",
        action: "create",
      },
    ],
  },
  {
    name: "a quoted comma and line break in a name keep the later lines' numbers",
    csv: 'name,email\n"Kim, Min\njun",kim@example.org\nBad Email,not-an-email\n',
    totalRows: 2,
    counts: counts(1, 0, 0, 1),
    errors: [[4, "email", /"not-an-email" is not a valid email address/]],
    rows: [
      {
        line: 2,
        name: "Kim, Min jun",
        email: "kim@example.org",
        role: "student",
        action: "create",
      },
    ],
  },
  {
    name: "Korean and Chinese names; decomposed Hangul becomes composed",
    csv: "name,student_number\n김민준,K1\n王小明,C1\n\u1112\u1161\u11ab\u1100\u1161\u11bc,K2\n",
    totalRows: 3,
    counts: counts(3),
    rows: [
      { line: 2, name: "김민준", studentNumber: "K1", role: "student", action: "create" },
      { line: 3, name: "王小明", studentNumber: "C1", role: "student", action: "create" },
      { line: 4, name: "한강", studentNumber: "K2", role: "student", action: "create" },
    ],
  },
  {
    name: "header names in any case, with spaces or dashes; values trimmed",
    csv: " NAME ,E-Mail,Student-Number, Role \n Ada , ADA@Example.ORG , S9 ,Teacher\n" +
      "Bo,bo@example.org,S10,STUDENT\n",
    totalRows: 2,
    counts: counts(2),
    rows: [
      {
        line: 2,
        name: "Ada",
        email: "ada@example.org",
        studentNumber: "S9",
        role: "teacher",
        action: "create",
      },
      {
        line: 3,
        name: "Bo",
        email: "bo@example.org",
        studentNumber: "S10",
        role: "student",
        action: "create",
      },
    ],
  },
  {
    name: "`student number` with a space; blank lines and empty rows are skipped",
    csv: "name,student number,role\n\nAda,A1,\n,,\nBo,B1,student\n",
    totalRows: 2,
    counts: counts(2),
    rows: [
      { line: 3, name: "Ada", studentNumber: "A1", role: "student", action: "create" },
      { line: 5, name: "Bo", studentNumber: "B1", role: "student", action: "create" },
    ],
  },
  {
    name: "row problems: missing name, no email or number, unknown role, long values",
    csv: `name,email,student_number,role\n,a@example.org,,\nNo Keys,,,\nC,c@example.org,,admin\n` +
      `${"x".repeat(121)},d@example.org,,\nE,e@example.org,${"9".repeat(41)},\n`,
    totalRows: 5,
    counts: counts(0, 0, 0, 5),
    errors: [
      [2, "name", /name is missing/],
      [3, undefined, /needs an email or a student number/],
      [4, "role", /role "admin" is not known/],
      [5, "name", /longer than 120/],
      [6, "student_number", /longer than 40/],
    ],
  },
  {
    name: "more values than header columns",
    csv: "name,email\nKim, Min,kim@example.org\nOk,ok@example.org,,\n",
    totalRows: 2,
    counts: counts(1, 0, 0, 1),
    errors: [[2, undefined, /3 values but the header has 2 columns/]],
  },
  {
    name: "the same email twice, differing only in case and spaces",
    csv: "name,email\nAnn,ann@example.org\nBen,bob@example.org\nAnn Again,  ANN@Example.org \n",
    totalRows: 3,
    counts: counts(2, 0, 0, 1),
    errors: [[4, "email", /ann@example\.org is also on line 2/]],
  },
  {
    name: "the same student number twice",
    csv: "name,student_number\nAnn,20-1\nBen,20-2\nCho,20-1\n",
    totalRows: 3,
    counts: counts(2, 0, 0, 1),
    errors: [[4, "student_number", /20-1 is also on line 2/]],
  },
  {
    name: "an unknown column is a warning, not an error",
    csv: "name,email,phone,\nAnn,ann@example.org,010-1234,\n",
    totalRows: 1,
    counts: counts(1),
    warnings: [[1, /Unknown column "phone" \(column 3\) is ignored/], [
      1,
      /Column 4 has no header/,
    ]],
  },
  {
    name: "no name column",
    csv: "email,role\nann@example.org,student\n",
    totalRows: 1,
    counts: counts(0),
    errors: [[1, "name", /no "name" column/]],
  },
  {
    name: "neither email nor student_number column",
    csv: "name,role\nAnn,student\n",
    totalRows: 1,
    counts: counts(0),
    errors: [[1, undefined, /needs an "email" or a "student_number" column/]],
  },
  {
    name: "a column twice",
    csv: "name,email,Email\nAnn,a@example.org,b@example.org\n",
    totalRows: 1,
    counts: counts(0),
    errors: [[1, "email", /appears twice \(columns 2 and 3\)/]],
  },
  {
    name: "an empty file",
    csv: "\uFEFF\r\n\r\n",
    totalRows: 0,
    counts: counts(0),
    errors: [[1, undefined, /file is empty/]],
  },
  {
    name: "a header and no people",
    csv: "name,email\n",
    totalRows: 0,
    counts: counts(0),
    errors: [[1, undefined, /no people under its header/]],
  },
  {
    name: "a quote never closed",
    csv: 'name,email\nAnn,ann@example.org\n"Ben,ben@example.org\n',
    totalRows: 0,
    counts: counts(0),
    errors: [[3, undefined, /^A quoted field is never closed/]],
  },
  {
    name: "people who exist: in the class (unchanged), in the school (add), matched by number",
    csv: "name,email,student_number,role\nMember Student,MEMBER@school.example,,\n" +
      "Other Class Student,,N1,student\nThe Teacher,teacher@school.example,,teacher\n" +
      "The Admin,admin@school.example,,teacher\n",
    totalRows: 4,
    counts: counts(0, 2, 2),
    rows: [
      {
        line: 2,
        name: "Member Student",
        email: "member@school.example",
        role: "student",
        action: "unchanged",
      },
      { line: 3, name: "Other Class Student", studentNumber: "N1", role: "student", action: "add" },
      {
        line: 4,
        name: "The Teacher",
        email: "teacher@school.example",
        role: "teacher",
        action: "unchanged",
      },
      {
        line: 5,
        name: "The Admin",
        email: "admin@school.example",
        role: "teacher",
        action: "add",
      },
    ],
  },
  {
    name: "an email of another school's account",
    csv: "name,email\nOutsider,Outsider@other.example\n",
    totalRows: 1,
    counts: counts(0, 0, 0, 1),
    errors: [[2, "email", /^This email is already used by another account\.$/]],
  },
  {
    name: "role mismatches",
    csv: "name,email,role\nT,teacher@school.example,student\nS,nonmember@school.example,teacher\n" +
      "A,admin@school.example,student\n",
    totalRows: 3,
    counts: counts(0, 0, 0, 3),
    errors: [
      [2, "role", /is a teacher in this school, not a student/],
      [3, "role", /is a student in this school, not a teacher/],
      [4, "role", /is an admin in this school, not a student/],
    ],
  },
  {
    name: "email and number of two different people; number of someone with another email",
    csv: "name,email,student_number\nX,member@school.example,N1\nY,new@example.org,M1\n",
    totalRows: 2,
    counts: counts(0, 0, 0, 2),
    errors: [
      [2, undefined, /belong to two different people/],
      [3, "email", /belongs to someone with another email/],
    ],
  },
  {
    name: "two rows for one existing person (by email, then by number)",
    csv: "name,email,student_number\nA,nonmember@school.example,\nB,,N1\n",
    totalRows: 2,
    counts: counts(0, 1, 0, 1),
    errors: [[3, undefined, /same person as on line 2/]],
  },
];

for (const c of CASES) {
  Deno.test(`[roster] analyzeRoster - ${c.name}`, async () => {
    await withWorld(async (kv, w) => {
      const before = await snapshot(kv, w.org.id, w.cls.id);
      const report = await analyzeRoster(kv, {
        orgId: w.org.id,
        classId: w.cls.id,
        by: "admin" as const,
      }, c.csv);
      const errors = c.errors ?? [];
      assert.equal(report.ok, errors.length === 0);
      assert.equal(report.totalRows, c.totalRows);
      assert.deepEqual(report.counts, c.counts);
      assert.deepEqual(
        report.errors.map((e) => [e.line, e.column]),
        errors.map(([line, column]) => [line, column]),
        JSON.stringify(report.errors),
      );
      errors.forEach(([, , pattern], i) => assert.match(report.errors[i].message, pattern));
      const warnings = c.warnings ?? [];
      // Rows under made-up names also warn that the name differs (its own test below).
      const listed = report.warnings.filter((x) => x.code !== "nameDiffers");
      assert.deepEqual(listed.map((x) => x.line), warnings.map(([line]) => line));
      warnings.forEach(([, pattern], i) => assert.match(listed[i].message, pattern));
      if (c.rows) assert.deepEqual(report.rows, c.rows);
      assert.ok(!JSON.stringify(report).includes(w.other.id), "mentions the other school");
      assert.deepEqual(await snapshot(kv, w.org.id, w.cls.id), before, "analyze wrote something");
    });
  });
}

Deno.test("[roster] analyzeRoster - more than 50,000 rows is one clear error", async () => {
  await withWorld(async (kv, w) => {
    const lines = ["name,student_number"];
    for (let i = 0; i <= MAX_ROSTER_ROWS; i++) lines.push(`P${i},${i}`);
    const report = await analyzeRoster(
      kv,
      { orgId: w.org.id, classId: w.cls.id, by: "admin" as const },
      lines.join("\n"),
    );
    assert.equal(report.ok, false);
    assert.equal(report.totalRows, MAX_ROSTER_ROWS + 1);
    assert.deepEqual(report.errors.map((e) => e.line), [MAX_ROSTER_ROWS + 2]);
    assert.match(report.errors[0].message, /has 50001 rows; at most 50000/);
  });
});

Deno.test("[roster] analyzeRoster - lists 1,000 errors but counts every invalid row", async () => {
  await withWorld(async (kv, w) => {
    const lines = ["name,email"];
    for (let i = 0; i < 1500; i++) lines.push(`P${i},bad-${i}`);
    lines.push("Good,good@example.org");
    const report = await analyzeRoster(
      kv,
      { orgId: w.org.id, classId: w.cls.id, by: "admin" as const },
      lines.join("\n"),
    );
    assert.equal(report.errors.length, 1000);
    assert.equal(report.errors[999].line, 1001);
    assert.deepEqual(report.counts, counts(1, 0, 0, 1500));
  });
});

Deno.test("[roster] analyzeRoster - previews at most 200 rows", async () => {
  await withWorld(async (kv, w) => {
    const lines = ["name,student_number"];
    for (let i = 0; i < 250; i++) lines.push(`P${i},${i}`);
    const report = await analyzeRoster(
      kv,
      { orgId: w.org.id, classId: w.cls.id, by: "admin" as const },
      lines.join("\n"),
    );
    assert.equal(report.counts.create, 250);
    assert.equal(report.rows?.length, 200);
    assert.equal(report.rows?.[199].line, 201);
  });
});

Deno.test("[roster] analyzeRoster - another school's class is 404, an archived class 409", async () => {
  await withWorld(async (kv, w) => {
    const csv = "name,email\nAnn,ann@example.org\n";
    const err = await rejection(() =>
      analyzeRoster(kv, { orgId: w.other.id, classId: w.cls.id, by: "admin" as const }, csv)
    );
    assert.equal(err.status, 404);
    await setClassArchived(kv, w.org.id, w.cls.id, true);
    const archived = await rejection(() =>
      analyzeRoster(kv, { orgId: w.org.id, classId: w.cls.id, by: "admin" as const }, csv)
    );
    assert.equal(archived.status, 409);
    assert.match(archived.message, /archived/);
  });
});

Deno.test("[roster] importRoster - one bad row means nothing is written", async () => {
  await withWorld(async (kv, w) => {
    const scope = { orgId: w.org.id, classId: w.cls.id, by: "admin" as const };
    const before = await snapshot(kv, w.org.id, w.cls.id);
    const err = await rejection(() =>
      importRoster(
        kv,
        scope,
        "name,email\nAnn,ann@example.org\nBen,ben@\nCho,cho@example.org\n",
      )
    );
    assert.equal(err.code, "validation_failed");
    assert.equal(err.message, "The roster has 1 problem; nothing was imported.");
    assert.deepEqual(err.details, [{ line: 3, message: '"ben@" is not a valid email address.' }]);
    assert.deepEqual(await snapshot(kv, w.org.id, w.cls.id), before);
    assert.equal(await findUserByEmail(kv, "ann@example.org"), null);
    assert.equal((await kv.get(["roster_locks", w.org.id])).value, null, "lock released");
  });
});

Deno.test("[roster] importRoster - writes people and memberships; the same file again changes nothing", async () => {
  await withWorld(async (kv, w) => {
    const scope = { orgId: w.org.id, classId: w.cls.id, by: "admin" as const };
    const csv = "name,email,student_number,role\nAnn,Ann@Example.org,A1,\n" +
      "Ben,,B1,student\nMs Cho,cho@example.org,,teacher\n";
    const before = await snapshot(kv, w.org.id, w.cls.id);
    const first = await importRoster(kv, scope, csv);
    assert.equal(first.committed, true);
    assert.deepEqual(first.counts, counts(3));
    const after = await snapshot(kv, w.org.id, w.cls.id);
    assert.deepEqual(after, {
      users: before.users + 3,
      usersByOrg: before.usersByOrg + 3,
      usersByOrgRole: before.usersByOrgRole + 3,
      usersByEmail: before.usersByEmail + 2,
      usersByNumber: before.usersByNumber + 2,
      members: before.members + 3,
      classesByUser: before.classesByUser + 3,
    });
    const ann = await findUserByEmail(kv, "ann@example.org");
    assert.equal(ann?.name, "Ann");
    assert.equal(ann?.orgId, w.org.id);
    assert.equal(ann?.studentNumber, "A1");
    assert.equal(ann?.joinedVia, "import");
    assert.equal(ann?.passwordHash, undefined);
    const ben = await findUserByNumber(kv, w.org.id, "B1");
    assert.equal(ben?.email, undefined);
    assert.equal(await getMemberRole(kv, w.cls.id, ben!.id), "student");
    const cho = await findUserByEmail(kv, "cho@example.org");
    assert.equal(cho?.role, "teacher");
    const member = (await kv.get<ClassMember>(["class_members", w.cls.id, cho!.id])).value;
    assert.equal(member?.role, "teacher");
    assert.equal(member?.email, "cho@example.org");

    const again = await importRoster(kv, scope, csv);
    assert.deepEqual(again.counts, counts(0, 0, 3));
    assert.deepEqual(await snapshot(kv, w.org.id, w.cls.id), after);
  });
});

Deno.test("[roster] importRoster - a person of the school joins the class without a new account", async () => {
  await withWorld(async (kv, w) => {
    const before = await snapshot(kv, w.org.id, w.cls.id);
    const report = await importRoster(
      kv,
      { orgId: w.org.id, classId: w.cls.id, by: "admin" as const },
      "name,student_number\nOther Class Student,N1\n",
    );
    assert.deepEqual(report.counts, counts(0, 1));
    assert.equal(await getMemberRole(kv, w.cls.id, w.nonMember.id), "student");
    assert.deepEqual(await snapshot(kv, w.org.id, w.cls.id), {
      ...before,
      members: before.members + 1,
      classesByUser: before.classesByUser + 1,
    });
  });
});

Deno.test("[roster] importRoster - 409 while another import of the school holds the lock", async () => {
  await withWorld(async (kv, w) => {
    const scope = { orgId: w.org.id, classId: w.cls.id, by: "admin" as const };
    const csv = "name,email\nAnn,ann@example.org\n";
    await kv.set(["roster_locks", w.org.id], { expiresAt: Date.now() + 60_000 });
    const err = await rejection(() => importRoster(kv, scope, csv));
    assert.equal(err.status, 409);
    assert.match(err.message, /Another roster import for this school is running/);
    assert.equal(await findUserByEmail(kv, "ann@example.org"), null);
    assert.notEqual((await kv.get(["roster_locks", w.org.id])).value, null, "lock kept");

    // A lock whose holder died (past its expiry) is taken over.
    await kv.set(["roster_locks", w.org.id], { expiresAt: Date.now() - 1 });
    assert.deepEqual((await importRoster(kv, scope, csv)).counts, counts(1));
    assert.equal((await kv.get(["roster_locks", w.org.id])).value, null, "lock released");
  });
});

/**
 * A KV whose commits containing a check on `["users_by_email", email]` are preceded by someone
 * else taking that email, as a sign-up racing the import would.
 */
function racingKv(kv: Deno.Kv, email: string, takenBy: string): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          let races = false;
          const check = op.check.bind(op);
          op.check = (...checks: Deno.AtomicCheck[]) => {
            races ||= checks.some((c) => c.key[0] === "users_by_email" && c.key[1] === email);
            return check(...checks);
          };
          const commit = op.commit.bind(op);
          op.commit = async () => {
            if (races) await target.set(["users_by_email", email], takenBy);
            return await commit();
          };
          return op;
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

for (const inFlight of [1, 2, 3]) {
  Deno.test(`[roster] importRoster - an email taken mid-import undoes every batch written (${inFlight} in flight)`, async () => {
    await withWorld(async (kv, w) => {
      const lines = ["name,email,student_number"];
      // 350 people need four commits (100 email checks each); the race hits the second, so
      // with more than one in flight the third is written too and must be undone as well.
      for (let i = 0; i < 350; i++) lines.push(`P${i},p${i}@example.org,N-${i}`);
      lines.push("Other Class Student,nonmember@school.example,N1");
      const before = await snapshot(kv, w.org.id, w.cls.id);
      const racing = racingKv(kv, "p130@example.org", "someone-else");
      const scope = { orgId: w.org.id, classId: w.cls.id, by: "admin" as const };
      const err = await rejection(() =>
        importRoster(racing, scope, lines.join("\n"), { commitsInFlight: inFlight })
      );
      assert.equal(err.status, 409);
      assert.deepEqual(err.details?.map((d) => d.line), [132]);
      assert.match(err.message, /^Line 132: this email was taken by another account/);
      const after = await snapshot(kv, w.org.id, w.cls.id);
      assert.deepEqual(after, { ...before, usersByEmail: before.usersByEmail + 1 });
      assert.equal((await kv.get(["users_by_email", "p130@example.org"])).value, "someone-else");
      for (const email of ["p0@example.org", "p250@example.org", "p349@example.org"]) {
        assert.equal(await findUserByEmail(kv, email), null, email);
      }
      assert.equal(await getMemberRole(kv, w.cls.id, w.nonMember.id), null);
      assert.equal((await kv.get(["roster_locks", w.org.id])).value, null, "lock released");
    });
  });
}

Deno.test("[roster] a teacher's file may not add teachers: a row error at preview, nothing written", async () => {
  await withWorld(async (kv, w) => {
    // A new teacher (created), an existing teacher of the school (added), and a student.
    const csv = "name,email,role\nNew Teacher,new.teacher@example.org,teacher\n" +
      "Ann,ann@example.org,student\nColleague,admin@school.example,teacher\n";
    const before = await snapshot(kv, w.org.id, w.cls.id);
    const asTeacher = { orgId: w.org.id, classId: w.cls.id, by: "teacher" as const };
    const preview = await analyzeRoster(kv, asTeacher, csv);
    assert.equal(preview.ok, false);
    assert.deepEqual(preview.errors.map((e) => [e.line, e.column]), [[2, "role"], [4, "role"]]);
    assert.match(preview.errors[0].message, /^Only school admins can add teachers to a class\./);
    const err = await rejection(() => importRoster(kv, asTeacher, csv));
    assert.equal(err.code, "validation_failed");
    assert.deepEqual(err.details!.map((d) => d.line), [2, 4]);
    assert.deepEqual(await snapshot(kv, w.org.id, w.cls.id), before);
    assert.equal(await findUserByEmail(kv, "new.teacher@example.org"), null);

    // The same file from an admin: the new teacher is created, the colleague added.
    const asAdmin = { ...asTeacher, by: "admin" as const };
    assert.equal((await analyzeRoster(kv, asAdmin, csv)).ok, true);
    assert.deepEqual((await importRoster(kv, asAdmin, csv)).counts, counts(2, 1));
    const created = await findUserByEmail(kv, "new.teacher@example.org");
    assert.equal(created?.role, "teacher");
    assert.equal(await getMemberRole(kv, w.cls.id, created!.id), "teacher");
    assert.equal(await getMemberRole(kv, w.cls.id, w.admin.id), "teacher");
  });
});

Deno.test("[roster] Korean headers and roles (이름, 학번, 역할, 이메일; 학생/교사) import", async () => {
  await withWorld(async (kv, w) => {
    const csv =
      "\uFEFF이름,학번,역할,이메일\n김민준,2026101,학생,\n이서연,2026102,학생,seoyeon@example.org\n" +
      "박선생,,교사,park.t@example.org\n";
    const scope = { orgId: w.org.id, classId: w.cls.id, by: "admin" as const };
    const preview = await analyzeRoster(kv, scope, csv);
    assert.deepEqual(preview.errors, []);
    assert.deepEqual(preview.warnings, []);
    assert.deepEqual(preview.rows!.map((r) => [r.name, r.studentNumber, r.role]), [
      ["김민준", "2026101", "student"],
      ["이서연", "2026102", "student"],
      ["박선생", undefined, "teacher"],
    ]);
    assert.deepEqual((await importRoster(kv, scope, csv)).counts, counts(3));
    assert.equal((await findUserByNumber(kv, w.org.id, "2026102"))?.email, "seoyeon@example.org");
    const teacher = await findUserByEmail(kv, "park.t@example.org");
    assert.equal(await getMemberRole(kv, w.cls.id, teacher!.id), "teacher");
  });
});

Deno.test("[roster] Chinese headers and roles (姓名, 学号, 角色, 邮箱; 学生/教师) import", async () => {
  await withWorld(async (kv, w) => {
    const csv = "姓名,学号,角色,邮箱\n张伟,2026201,学生,\n王老师,,教师,wang.t@example.org\n";
    const scope = { orgId: w.org.id, classId: w.cls.id, by: "admin" as const };
    const report = await importRoster(kv, scope, csv);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.counts, counts(2));
    assert.equal((await findUserByNumber(kv, w.org.id, "2026201"))?.name, "张伟");
    assert.equal((await findUserByEmail(kv, "wang.t@example.org"))?.role, "teacher");
  });
});

Deno.test("[roster] an unknown role value is a row error with a code and the value", async () => {
  await withWorld(async (kv, w) => {
    const scope = { orgId: w.org.id, classId: w.cls.id, by: "admin" as const };
    const report = await analyzeRoster(kv, scope, "이름,학번,역할\n김민준,2026101,학부모\n");
    assert.deepEqual(report.errors.map((e) => [e.line, e.column, e.code, e.params]), [
      [2, "role", "roleUnknown", { value: "학부모" }],
    ]);
  });
});

Deno.test("[roster] a name that differs from the account a student number matches is a warning, not an error", async () => {
  await withWorld(async (kv, w) => {
    const scope = { orgId: w.org.id, classId: w.cls.id, by: "admin" as const };
    // N1 is "Other Class Student" in the school; the file calls them 홍길동.
    const report = await analyzeRoster(kv, scope, "name,student_number\n홍길동,N1\n");
    assert.equal(report.ok, true);
    assert.deepEqual(report.counts, counts(0, 1));
    assert.deepEqual(report.warnings.map((x) => [x.line, x.code, x.params]), [
      [2, "nameDiffers", { key: "N1", existing: "Other Class Student", given: "홍길동" }],
    ]);
    assert.match(
      report.warnings[0].message,
      /^N1 is Other Class Student in the school; this file says 홍길동\. The existing account will be used/,
    );
    // The same name (in another case and spacing) does not warn.
    const same = await analyzeRoster(kv, scope, "name,student_number\n other  class student ,N1\n");
    assert.deepEqual(same.warnings, []);
    // Importing uses the existing account and keeps its name.
    await importRoster(kv, scope, "name,student_number\n홍길동,N1\n");
    assert.equal(await getMemberRole(kv, w.cls.id, w.nonMember.id), "student");
    assert.equal((await findUserByNumber(kv, w.org.id, "N1"))?.name, "Other Class Student");
  });
});
