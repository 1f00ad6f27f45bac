/**
 * `deno task bench roster`: wall time and peak RSS of importing 50,000 generated rows (Korean
 * and Latin names, unique emails and student numbers) into one class of a file-backed KV,
 * end to end (parse, analyze, write). Goal: under 10 s. Then the same number of staff into a
 * company's workspace: 200 departments two levels deep (created by the import), each with a
 * manager from the file.
 * @module
 */
import { createClass } from "@/services/classes/classes.ts";
import { createOrg } from "@/services/orgs/orgs.ts";
import { createUser, newUser } from "@/services/orgs/users.ts";
import { importRoster } from "@/services/roster/import.ts";
import { measure, withFileKv } from "./_lib.ts";

const ROWS = 50_000;
const FAMILY = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "지호", "하은", "예준", "수아"];
const LATIN = ["Alex Kim", "Maria García", "Chloé Martin", "Sam Lee", "Noah Park", "Emma Choi"];

/** A company's staff: departments "Division d/Team t", each team's manager its first person. */
function generateStaffCsv(rows: number): string {
  const lines = ["name,email,role,department,manager_email"];
  for (let i = 0; i < rows; i++) {
    const team = i % 200;
    const manager = `staff${team}@bench.example.org`;
    lines.push(
      `${LATIN[i % LATIN.length]} ${i},staff${i}@bench.example.org,,Division ${
        team % 10
      }/Team ${team},${manager}`,
    );
  }
  return lines.join("\r\n") + "\r\n";
}

function generateCsv(rows: number): string {
  const lines = ["name,email,student_number,role"];
  for (let i = 0; i < rows; i++) {
    const name = i % 3 === 0
      ? `${LATIN[i % LATIN.length]} ${i}`
      : `${FAMILY[i % FAMILY.length]}${GIVEN[Math.floor(i / 10) % GIVEN.length]}`;
    lines.push(`${name},student${i}@bench.example.org,S${String(i).padStart(6, "0")},student`);
  }
  return lines.join("\r\n") + "\r\n";
}

await withFileKv("roster", async (kv) => {
  const org = await createOrg(kv, { name: "Bench School", kind: "school", slug: "bench-roster" });
  await createUser(
    kv,
    newUser({ orgId: org.id, name: "Admin", email: "admin@bench.example.org", role: "admin" }),
  );
  const cls = await createClass(kv, org.id, { name: "Bench class" });
  const csv = generateCsv(ROWS);

  const { result: report, seconds, peakMb } = await measure(() =>
    importRoster(kv, { orgId: org.id, classId: cls.id, by: "admin" }, csv)
  );
  if (report.counts.create !== ROWS) {
    throw new Error(`expected ${ROWS} new people, the report says ${report.counts.create}`);
  }
  let students = 0;
  for await (const e of kv.list<{ role: string }>({ prefix: ["class_members", cls.id] })) {
    if (e.value.role === "student") students++;
  }
  if (students !== ROWS) {
    throw new Error(`expected ${ROWS} students in the class, found ${students}`);
  }

  console.log(`BENCH roster_import_50k_s=${seconds.toFixed(2)} s`);
  console.log(`BENCH roster_import_peak_mb=${peakMb.toFixed(0)} MB`);

  const company = await createOrg(kv, { name: "Bench Co", kind: "company", slug: "bench-staff" });
  const staffCsv = generateStaffCsv(ROWS);
  const staff = await measure(() =>
    importRoster(kv, { orgId: company.id, workspace: true }, staffCsv)
  );
  const { counts } = staff.result;
  if (counts.create !== ROWS || counts.departments !== 210 || counts.managers !== 200) {
    throw new Error(`unexpected workspace import: ${JSON.stringify(counts)}`);
  }
  console.log(`BENCH roster_workspace_50k_s=${staff.seconds.toFixed(2)} s`);
  console.log(`BENCH roster_workspace_peak_mb=${staff.peakMb.toFixed(0)} MB`);
});
