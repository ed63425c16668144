/**
 * Child process: the load generator. It only sends signed Slack requests and times them, so its
 * clock is not held up by the fake servers, which run in the benchmark's main process.
 */
import { subscribe } from 'node:diagnostics_channel';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { SlackRequestBody } from '../../tests/support/slack-requests.ts';
import { primeConnections, runConcurrent, timedSend, type Timed } from './slack.ts';

export type ClientRequest =
  | { type: 'burst'; url: string; requests: SlackRequestBody[]; concurrency: number }
  | { type: 'tick-start'; url: string; requests: SlackRequestBody[]; everyMs: number }
  | { type: 'tick-stop' }
  | { type: 'prime'; url: string; connections: number };
/** How the load client itself fared during a burst: a stall here would show as slow requests. */
export type BurstClientStats = { loopDelayMaxMs: number; newConnections: number };
export type ClientReply = { type: 'timings'; results: Timed[]; client?: BurstClientStats };

let newConnections = 0;
subscribe('undici:client:connected', () => {
  newConnections += 1;
});

let ticking: { stop: boolean; done: Promise<Timed[]> } | undefined;

process.on('message', (message: ClientRequest) => {
  const reply = (results: Timed[], client?: BurstClientStats) => process.send?.({ type: 'timings', results, client } satisfies ClientReply);
  if (message.type === 'burst') {
    newConnections = 0;
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    void runConcurrent(message.url, message.requests.length, message.concurrency, (index) => message.requests[index]!).then((results) => {
      loopDelay.disable();
      reply(results, { loopDelayMaxMs: loopDelay.max / 1e6, newConnections });
    });
  } else if (message.type === 'prime') {
    // A burst that follows finds its connections open, whatever its server's keep-alive timeout did
    // to them meanwhile.
    void primeConnections(message.url, message.connections).then(() => reply([]));
  } else if (message.type === 'tick-start') {
    const state = { stop: false, done: Promise.resolve<Timed[]>([]) };
    state.done = (async () => {
      const pending: Promise<Timed>[] = [];
      const startedAt = performance.now();
      for (let tick = 0; !state.stop && tick < message.requests.length; tick += 1) {
        pending.push(timedSend(message.url, message.requests[tick]!));
        const next = startedAt + (tick + 1) * message.everyMs;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
      }
      return Promise.all(pending);
    })();
    ticking = state;
  } else if (message.type === 'tick-stop') {
    const state = ticking;
    ticking = undefined;
    if (!state) return reply([]);
    state.stop = true;
    void state.done.then(reply);
  }
});
process.on('disconnect', () => process.exit(0));
