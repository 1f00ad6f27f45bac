/** `deno task reset`: deletes every key in the configured store (asks first unless --yes). */
import { loadConfig } from "@/fresh.config.ts";
import { openKv } from "@/services/db/kv.ts";

const config = loadConfig();
if (config.env === "production") {
  console.error("Refusing to reset a store with MIRAE_ENV=production.");
  Deno.exit(1);
}
if (!Deno.args.includes("--yes") && !confirm(`Delete ALL data in ${config.kvLocation}?`)) {
  Deno.exit(1);
}
const kv = await openKv(config.kvLocation);
let n = 0;
try {
  let op = kv.atomic();
  let inOp = 0;
  for await (const e of kv.list({ prefix: [] })) {
    op.delete(e.key);
    n++;
    if (++inOp === 1000) {
      await op.commit();
      op = kv.atomic();
      inOp = 0;
    }
  }
  if (inOp) await op.commit();
} finally {
  kv.close();
}
console.log(`Deleted ${n} keys. The next start seeds the demo school again.`);
