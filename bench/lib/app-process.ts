/** Child process: the whole app (src/main.ts) exactly as `npm start` composes it. */
import { startApp } from '../../src/main.ts';
import { serveChild } from './child-runtime.ts';

export type AppProcessOptions = { env: Record<string, string>; argv: string[]; workerPollInterval?: number };

serveChild(async (options) => {
  const { env, argv, workerPollInterval } = options as AppProcessOptions;
  const app = await startApp({ env, argv, workerPollInterval });
  return { url: app.url, stop: () => app.stop() };
});
