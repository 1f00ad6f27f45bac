/**
 * Small helpers about the machine the app runs on: files and child processes.
 * @module
 */

/** Whether something exists at `path` (a file, folder or link). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Asks a child process to stop (SIGTERM), kills it after `graceMs`, and waits for its end. */
export async function terminate(child: Deno.ChildProcess, graceMs: number): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch { /* already gone */ }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, graceMs);
  await child.status;
  clearTimeout(timer);
}
