import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { constants as perfConstants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization } from 'node:perf_hooks';

/** Resource use of a child process (all its threads) since the last reset. */
export type ChildStats = {
  wallMs: number;
  /** User + system CPU of the whole process, worker threads included. */
  cpuMs: number;
  /** Main-thread event loop utilisation, 0–1. */
  eventLoopUtilization: number;
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** From Node's 'request' event (headers parsed) to the response's finish, per HTTP request. */
  serverRequestP99Ms: number;
  serverRequestMaxMs: number;
  /** Pauses of the main thread for garbage collection: young-generation scavenges and full mark-compacts. */
  gcScavengeMs: number;
  gcMarkCompactMs: number;
  /** V8 heap in use when the stats were taken. */
  heapUsedMb: number;
};

export type ParentMessage =
  | { type: 'start'; options: unknown }
  | { type: 'stats'; reset: boolean }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string }
  | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'stats'; stats: ChildStats }
  | { type: 'profiled'; file: string }
  | { type: 'error'; message: string };

/**
 * The child side of bench/lib/child.ts: starts a server when asked, reports its resource use and
 * stops on request. Keeps the app's event loop free of the load generator and the fakes.
 */
export function serveChild(start: (options: unknown) => Promise<{ url: string; stop(): Promise<void> }>): void {
  const send = (message: ChildMessage) => process.send?.(message);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  // Time each request spends inside the server, to tell its own delays from the kernel's and the client's.
  const requestStarts = new WeakMap<object, number>();
  let requestMs: number[] = [];
  let gc = { scavengeMs: 0, markCompactMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.markCompactMs += entry.duration;
      else if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) gc.scavengeMs += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  subscribe('http.server.request.start', (message) => requestStarts.set((message as { response: object }).response, performance.now()));
  subscribe('http.server.response.finish', (message) => {
    const started = requestStarts.get((message as { response: object }).response);
    if (started !== undefined) requestMs.push(performance.now() - started);
  });
  let since = { at: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
  let running: { stop(): Promise<void> } | undefined;
  let profiler: Session | undefined;

  const stats = (): ChildStats => {
    const cpu = process.cpuUsage(since.cpu);
    const elu: EventLoopUtilization = performance.eventLoopUtilization(since.elu);
    return {
      wallMs: performance.now() - since.at,
      cpuMs: (cpu.user + cpu.system) / 1000,
      eventLoopUtilization: elu.utilization,
      eventLoopDelayP50Ms: delay.percentile(50) / 1e6,
      eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
      eventLoopDelayMaxMs: delay.max / 1e6,
      serverRequestP99Ms: requestMs.length ? [...requestMs].sort((a, b) => a - b)[Math.min(requestMs.length - 1, Math.floor(requestMs.length * 0.99))]! : 0,
      serverRequestMaxMs: requestMs.length ? Math.max(...requestMs) : 0,
      gcScavengeMs: gc.scavengeMs,
      gcMarkCompactMs: gc.markCompactMs,
      heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
    };
  };

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'start') {
      start(message.options).then(
        (server) => {
          running = server;
          send({ type: 'ready', url: server.url });
        },
        (error: unknown) => {
          send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
          process.exitCode = 1;
          process.disconnect?.();
        },
      );
    } else if (message.type === 'stats') {
      send({ type: 'stats', stats: stats() });
      if (message.reset) {
        delay.reset();
        requestMs = [];
        gc = { scavengeMs: 0, markCompactMs: 0 };
        since = { at: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
      }
    } else if (message.type === 'profile-start') {
      // The main thread's CPU profile over a window the parent chooses (the measured phase only).
      profiler = new Session();
      profiler.connect();
      void profiler
        .post('Profiler.enable')
        .then(() => profiler?.post('Profiler.setSamplingInterval', { interval: 500 }))
        .then(() => profiler?.post('Profiler.start'));
    } else if (message.type === 'profile-stop') {
      const session = profiler;
      profiler = undefined;
      void (async () => {
        if (session) {
          const { profile } = await session.post('Profiler.stop');
          writeFileSync(message.file, JSON.stringify(profile));
          session.disconnect();
        }
        send({ type: 'profiled', file: message.file });
      })();
    } else if (message.type === 'stop') {
      const stopping = running?.stop() ?? Promise.resolve();
      stopping
        .catch((error: unknown) => console.error(error))
        .finally(() => {
          // A normal exit, so --cpu-prof writes its profile.
          process.disconnect?.();
          setTimeout(() => process.exit(0), 50).unref();
        });
    }
  });
  process.on('disconnect', () => {
    // The parent went away without a stop: do not linger.
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
