/**
 * The workspace side of the roster import (import.ts): people go into departments named by a
 * path ("Engineering/Platform"), missing departments are created, and `manager_email` names a
 * department's manager (member role `teacher` of the department group). Pure planning over
 * what is stored; import.ts writes the result.
 * @module
 */
import { type Class, ClassSchema } from "../classes/classes.ts";
import { type ClassMember, ClassMemberSchema, type MemberRole } from "../classes/members.ts";
import { newId } from "../db/kv.ts";
import { nameKey, type User } from "../orgs/users.ts";
import { listDepartments } from "../workspace/departments.ts";
import type { PersonWrite, Write } from "./batches.ts";
import { type RosterIssue, rosterIssue, type RosterRow } from "./columns.ts";

/** A department path as the report shows it. */
export function pathLabel(path: string[]): string {
  return path.join(" / ");
}

/** Compares paths as people do: case and spacing do not matter. */
function pathKey(path: string[]): string {
  return path.map(nameKey).join("\u0000");
}

/**
 * Line errors for `manager_email`: one department given two managers in the file
 * (`managerTwice`, on the later line), a manager who is neither in the file nor of the
 * organization (`managerUnknown`), or who is a student (`managerNotStaff`).
 */
export function checkManagers(
  rows: RosterRow[],
  fileEmails: Map<string, number>,
  orgByEmail: Map<string, User>,
  fail: (issue: RosterIssue) => void,
): void {
  const managers = new Map<string, { email: string; line: number }>();
  for (const row of rows) {
    const email = row.managerEmail;
    if (!email || !row.department) continue;
    const { line } = row;
    const department = pathLabel(row.department);
    const key = pathKey(row.department);
    const earlier = managers.get(key);
    if (earlier && earlier.email !== email) {
      fail(rosterIssue(
        line,
        "managerTwice",
        `The department ${department} has the manager ${earlier.email} on line ` +
          `${earlier.line}; one department has one manager in a file.`,
        { department, email: earlier.email, other: earlier.line },
        "manager_email",
      ));
      continue;
    }
    if (!earlier) managers.set(key, { email, line });
    const known = orgByEmail.get(email);
    if (!known && !fileEmails.has(email)) {
      fail(rosterIssue(
        line,
        "managerUnknown",
        `The manager ${email} is neither in this file nor in the organization.`,
        { email },
        "manager_email",
      ));
    } else if (known?.role === "student") {
      fail(rosterIssue(
        line,
        "managerNotStaff",
        `${email} is a student; a department's manager is a member of staff.`,
        { email },
        "manager_email",
      ));
    }
  }
}

/** A valid row with its person: created by the import, or an account of the organization. */
export interface PlannedPerson {
  row: RosterRow;
  user: User;
  created: boolean;
}

/** One department the file names, and whether the import creates it. */
export interface DepartmentAction {
  line: number;
  path: string;
  action: "create" | "existing";
}

export interface WorkspacePlan {
  writes: Write[];
  departments: DepartmentAction[];
  /** Lines whose person gets a new membership (existing people: "add", else "unchanged"). */
  joined: Set<number>;
  /** New manager memberships. */
  managers: number;
}

/**
 * What importing `people` into the organization's departments writes: the departments to
 * create (parents first), every membership that is not there yet (a manager stays a manager
 * when a row also lists them as a member), and who gets which.
 */
export async function planDepartments(
  kv: Deno.Kv,
  orgId: string,
  people: PlannedPerson[],
  orgByEmail: Map<string, User>,
): Promise<WorkspacePlan> {
  const existing = await listDepartments(kv, orgId);
  const byName = new Map<string, Class>();
  for (const d of existing) {
    const key = `${d.parentId ?? ""}\u0000${nameKey(d.name)}`;
    if (!byName.has(key)) byName.set(key, d);
  }
  const writes: Write[] = [];
  const departments = new Map<string, DepartmentAction>();
  const created = new Set<string>();
  const now = new Date().toISOString();
  const resolve = (path: string[], line: number): Class => {
    let parent: Class | undefined;
    path.forEach((name, i) => {
      const key = `${parent?.id ?? ""}\u0000${nameKey(name)}`;
      let dept = byName.get(key);
      const here = path.slice(0, i + 1);
      if (!dept) {
        dept = ClassSchema.parse({
          id: newId(),
          orgId,
          name,
          kind: "department",
          ...(parent ? { parentId: parent.id } : {}),
          archived: false,
          createdAt: now,
          updatedAt: now,
        });
        byName.set(key, dept);
        created.add(dept.id);
        writes.push({ line, group: dept });
      }
      const label = pathKey(here);
      if (!departments.has(label)) {
        departments.set(label, {
          line,
          path: pathLabel(here),
          action: created.has(dept.id) ? "create" : "existing",
        });
      }
      parent = dept;
    });
    return parent!;
  };

  // Who should be where: members first, then managers (a manager's role wins).
  const wanted = new Map<string, { line: number; user: User; classId: string; role: MemberRole }>();
  const fileByEmail = new Map(people.flatMap((p) => p.user.email ? [[p.user.email, p.user]] : []));
  const rowKeys = new Map<number, string>();
  for (const { row, user } of people) {
    if (!row.department) continue;
    const dept = resolve(row.department, row.line);
    rowKeys.set(row.line, `${dept.id}\u0000${user.id}`);
    wanted.set(`${dept.id}\u0000${user.id}`, {
      line: row.line,
      user,
      classId: dept.id,
      role: "student",
    });
  }
  for (const { row } of people) {
    if (!row.department || !row.managerEmail) continue;
    const manager = fileByEmail.get(row.managerEmail) ?? orgByEmail.get(row.managerEmail);
    if (!manager) continue; // checkManagers reported it
    const dept = resolve(row.department, row.line);
    wanted.set(`${dept.id}\u0000${manager.id}`, {
      line: row.line,
      user: manager,
      classId: dept.id,
      role: "teacher",
    });
  }

  // What is stored already, for the departments that existed before.
  const touched = [...new Set([...wanted.values()].map((w) => w.classId))]
    .filter((id) => !created.has(id));
  const stored = new Map<string, MemberRole>();
  await Promise.all(touched.map(async (classId) => {
    for await (const e of kv.list<ClassMember>({ prefix: ["class_members", classId] })) {
      const m = ClassMemberSchema.parse(e.value);
      stored.set(`${classId}\u0000${m.userId}`, m.role);
    }
  }));

  const personWrites = new Map<string, PersonWrite>();
  for (const p of people) {
    if (p.created) {
      const w: PersonWrite = { line: p.row.line, user: p.user, created: true, memberships: [] };
      personWrites.set(p.user.id, w);
    }
  }
  const written = new Set<string>();
  let managers = 0;
  for (const [key, w] of wanted) {
    const now = stored.get(key);
    if (now === w.role || (now === "teacher" && w.role === "student")) continue;
    written.add(key);
    let pw = personWrites.get(w.user.id);
    if (!pw) {
      pw = { line: w.line, user: w.user, created: false, memberships: [] };
      personWrites.set(w.user.id, pw);
    }
    pw.memberships.push({ classId: w.classId, role: w.role });
    if (w.role === "teacher") managers++;
  }
  // A row's person joins when their place in the row's department is written (as its member,
  // or as its manager when another row names them so).
  const joined = new Set([...rowKeys].filter(([, key]) => written.has(key)).map(([l]) => l));
  writes.push(...personWrites.values());
  return { writes, departments: [...departments.values()], joined, managers };
}
