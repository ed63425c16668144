/**
 * Machine-wide CPU accounting from /proc (Linux), so a report can say whether the box was
 * saturated and by whom: the app, the benchmark's own process (the fakes), Postgres, or others.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICK_MS = 10; // CLK_TCK is 100 on Linux x86-64

export type CpuSnapshot = { at: number; busyMs: number; totalMs: number; postgresMs: Map<number, number>; selfMs: number };

export function cpuSnapshot(): CpuSnapshot {
  const at = Date.now();
  const self = process.cpuUsage();
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { at, busyMs: busy * TICK_MS, totalMs: (busy + idle + iowait) * TICK_MS, postgresMs: postgresCpuMs(), selfMs: (self.user + self.system) / 1000 };
  } catch {
    return { at, busyMs: Number.NaN, totalMs: Number.NaN, postgresMs: new Map(), selfMs: (self.user + self.system) / 1000 };
  }
}

/** CPU of every process named postgres, by pid (all databases: other sessions' tests included). */
function postgresCpuMs(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const rest = stat.slice(close + 2).split(' ');
      byPid.set(Number(entry), (Number(rest[11]) + Number(rest[12])) * TICK_MS); // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

/** Postgres CPU spent between two snapshots: backends that ended meanwhile are lost, new ones count in full. */
function postgresBetween(from: Map<number, number>, to: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of to) total += ms - (from.get(pid) ?? 0);
  return total;
}

export type CpuWindow = { wallMs: number; machineBusyCores: number; cores: number; postgresCores: number; benchCores: number };

export function cpuBetween(from: CpuSnapshot, to: CpuSnapshot): CpuWindow {
  const wallMs = to.at - from.at;
  const cores = os.availableParallelism();
  const share = (ms: number) => (wallMs > 0 ? ms / wallMs : Number.NaN);
  return {
    wallMs,
    cores,
    machineBusyCores: ((to.busyMs - from.busyMs) / (to.totalMs - from.totalMs)) * cores,
    postgresCores: share(postgresBetween(from.postgresMs, to.postgresMs)),
    benchCores: share(to.selfMs - from.selfMs),
  };
}

/** One line: how busy the machine was in the window, and who used it. */
export function describeCpu(window: CpuWindow, app?: { cpuMs: number }): string {
  const appCores = app && window.wallMs > 0 ? app.cpuMs / window.wallMs : Number.NaN;
  const known = (Number.isFinite(appCores) ? appCores : 0) + window.postgresCores + window.benchCores;
  const parts = [
    Number.isFinite(appCores) ? `app ${appCores.toFixed(2)}` : undefined,
    `Postgres ${window.postgresCores.toFixed(2)}`,
    `bench process (fakes) ${window.benchCores.toFixed(2)}`,
    `everything else ${Math.max(0, window.machineBusyCores - known).toFixed(2)}`,
  ].filter(Boolean);
  return `machine ${window.machineBusyCores.toFixed(2)} of ${window.cores} cores busy (${parts.join(', ')})`;
}

/** Warns when the machine is busy before the benchmarks start: their figures will be noisy. */
export async function idleCheck(): Promise<string | undefined> {
  const before = cpuSnapshot();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const window = cpuBetween(before, cpuSnapshot());
  if (!(window.machineBusyCores > 0.2 * window.cores)) return undefined;
  let top = '';
  try {
    top = execFileSync('ps', ['-eo', 'pcpu,comm,args', '--sort=-pcpu'], { encoding: 'utf8' })
      .split('\n')
      .slice(1, 4)
      .map((line) => line.trim().slice(0, 120))
      .filter(Boolean)
      .join('; ');
  } catch {
    // ps is missing: the warning stands without it
  }
  return `WARNING: the machine was ${window.machineBusyCores.toFixed(2)} of ${window.cores} cores busy before the run; figures will be noisy. Busiest: ${top}`;
}

/** Waits until the machine has been under 20 % busy for 10 s in a row, at most `timeoutMs`; returns whether it was. */
export async function waitForQuietMachine(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | undefined;
  while (Date.now() < deadline) {
    const before = cpuSnapshot();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const window = cpuBetween(before, cpuSnapshot());
    if (window.machineBusyCores < 0.2 * window.cores) {
      quietSince ??= Date.now();
      if (Date.now() - quietSince >= 10_000) return true;
    } else quietSince = undefined;
  }
  return false;
}
