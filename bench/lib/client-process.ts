/**
 * Child process: the load generator. It only sends signed Slack requests and times them, so its
 * clock is not held up by the fake servers, which run in the benchmark's main process.
 */
import { performance } from 'node:perf_hooks';
import type { SlackRequestBody } from '../../tests/support/slack-requests.ts';
import { runConcurrent, timedSend, type Timed } from './slack.ts';

export type ClientRequest =
  | { type: 'burst'; url: string; requests: SlackRequestBody[]; concurrency: number }
  | { type: 'tick-start'; url: string; requests: SlackRequestBody[]; everyMs: number }
  | { type: 'tick-stop' };
export type ClientReply = { type: 'timings'; results: Timed[] };

let ticking: { stop: boolean; done: Promise<Timed[]> } | undefined;

process.on('message', (message: ClientRequest) => {
  const reply = (results: Timed[]) => process.send?.({ type: 'timings', results } satisfies ClientReply);
  if (message.type === 'burst') {
    void runConcurrent(message.url, message.requests.length, message.concurrency, (index) => message.requests[index]!).then(reply);
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
