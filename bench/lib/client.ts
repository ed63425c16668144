import { fork, type ChildProcess } from 'node:child_process';
import type { SlackRequestBody } from '../../tests/support/slack-requests.ts';
import type { BurstClientStats, ClientReply, ClientRequest } from './client-process.ts';
import type { Timed } from './slack.ts';

/** The load generator in its own process (see client-process.ts). */
export type LoadClient = {
  burst(url: string, requests: SlackRequestBody[], concurrency: number): Promise<Timed[]>;
  /** The load client's own event-loop delay and new connections during the last burst. */
  lastBurstStats(): BurstClientStats | undefined;
  /** Opens (or keeps open) `connections` connections to the server, with a request each that it answers 404. */
  prime(url: string, connections: number): Promise<void>;
  startTicker(url: string, requests: SlackRequestBody[], everyMs: number): void;
  stopTicker(): Promise<Timed[]>;
  close(): Promise<void>;
};

export function startLoadClient(): LoadClient {
  const child: ChildProcess = fork(new URL('./client-process.ts', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let lastBurst: BurstClientStats | undefined;
  const ask = (message: ClientRequest): Promise<Timed[]> =>
    new Promise((resolve, reject) => {
      const onMessage = (reply: ClientReply) => {
        child.off('exit', onExit);
        if (reply.client) lastBurst = reply.client;
        resolve(reply.results);
      };
      const onExit = (code: number | null) => {
        child.off('message', onMessage);
        reject(new Error(`the load client exited (code ${code})`));
      };
      child.once('message', onMessage);
      child.once('exit', onExit);
      child.send(message);
    });
  return {
    burst: (url, requests, concurrency) => ask({ type: 'burst', url, requests, concurrency }),
    lastBurstStats: () => lastBurst,
    prime: async (url, connections) => void (await ask({ type: 'prime', url, connections })),
    startTicker: (url, requests, everyMs) => void child.send({ type: 'tick-start', url, requests, everyMs } satisfies ClientRequest),
    stopTicker: () => ask({ type: 'tick-stop' }),
    close: async () => {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
