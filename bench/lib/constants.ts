/** Shared settings of every benchmark: credentials the fakes accept, the workspace and the people. */
export { BOT_TOKEN, FIRECRAWL_KEY, OPENAI_KEY, SIGNING_SECRET } from '../../tests/support/app-env.ts';
export const TEAM = 'T0FAKE0001';
export const AUTHOR = 'U0MIA';
export const PLAN_CHANNEL = 'C0MARKETING';
export const ORIGIN_CHANNEL = 'C0ORIGIN';
export const ADMIN_DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Slack's own limit for acknowledging commands, actions and view submissions. */
export const SLACK_ACK_LIMIT_MS = 3_000;
