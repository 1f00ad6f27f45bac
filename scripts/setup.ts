/**
 * Installs what the test suite needs beyond Deno, when it is missing: Chromium (Debian's
 * package) for the real-browser tests. Runs before `deno task test`; does nothing when all is
 * there. Set CHROMIUM_PATH to use a browser installed elsewhere.
 * @module
 */

export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<boolean> {
  const { success } = await new Deno.Command(cmd, {
    args,
    stdout: "inherit",
    stderr: "inherit",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  }).output();
  return success;
}

async function ensureChromium(): Promise<void> {
  if (await exists(CHROMIUM)) return;
  const isRoot = Deno.uid?.() === 0;
  if (!isRoot || !(await exists("/usr/bin/apt-get"))) {
    throw new Error(
      `Chromium is needed for the browser tests and was not found at ${CHROMIUM}.\n` +
        "Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH.",
    );
  }
  console.log("Installing Chromium for the browser tests (apt-get install chromium)…");
  if (
    !(await run("apt-get", ["update", "-qq"])) ||
    !(await run("apt-get", ["install", "-y", "-qq", "chromium"]))
  ) {
    throw new Error("apt-get could not install chromium; see the output above.");
  }
}

if (import.meta.main) {
  try {
    await ensureChromium();
  } catch (err) {
    console.error((err as Error).message);
    Deno.exit(1);
  }
}
