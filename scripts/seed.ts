/** `deno task seed`: seeds the demo school into the configured store if it is not there. */
import { loadConfig } from "@/fresh.config.ts";
import { openKv } from "@/services/db/kv.ts";
import { demoInfo, hasDemo, seedDemo } from "@/services/demo/seed.ts";

const config = loadConfig();
if (config.env === "production") {
  console.error("Refusing to seed demo accounts with MIRAE_ENV=production.");
  Deno.exit(1);
}
const kv = await openKv(config.kvLocation);
try {
  if (await hasDemo(kv)) console.log("The demo school is already there.");
  else await seedDemo(kv);
  const d = demoInfo();
  console.log(`Demo sign-in: ${d.admin} / ${d.password} (teachers: ${d.teachers.join(", ")})`);
} finally {
  kv.close();
}
