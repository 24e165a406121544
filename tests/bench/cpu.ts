/**
 * CPU time of the processes a benchmark runs on this machine, read from /proc (Linux): what a
 * run cost each of them, which a shared machine's load changes far less than wall time.
 */
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: fields start after the last ")".
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** One field of /proc/<pid>/stat after the command name (0 = state, 1 = parent pid), or null. */
export function processStatField(pid: number, index: number): string | null {
  return stat(pid)?.[index] ?? null;
}

/** CPU milliseconds a process has used, with (withChildren) those of its children it has reaped. */
export function processCpuMs(pid: number, withChildren = false): number {
  const f = stat(pid);
  if (!f) return 0;
  // After the ")": state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
  const ticks = Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
  return ticks * TICK_MS;
}

/** A PostgreSQL server's CPU milliseconds: the postmaster, its live children, and those that have exited. */
export function postgresCpuMs(postmasterPid: number): number {
  let total = processCpuMs(postmasterPid, true);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const f = stat(Number(entry));
    if (f && Number(f[1]) === postmasterPid) total += processCpuMs(Number(entry));
  }
  return total;
}

export const canMeasureCpu = os.platform() === "linux";
