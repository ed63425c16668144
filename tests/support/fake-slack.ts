/**
 * A fake Slack Web API on a local HTTP port, for tests that run the app's real
 * `@slack/web-api` WebClient (`new WebClient(token, { slackApiUrl: fake.url })`).
 *
 * What the client sends (web-api 8): `POST {slackApiUrl}{method}` with
 * `Authorization: Bearer <token>` and an `application/x-www-form-urlencoded`
 * body whose object and array values (blocks, view, attachments...) are
 * JSON-encoded strings; numbers and booleans arrive as strings. A Buffer
 * argument turns the body into multipart/form-data. JSON bodies are accepted
 * too. Every call is recorded with its arguments decoded back into objects.
 *
 * It answers like Slack where tests depend on it: `{ ok: false, error }` with
 * HTTP 200 for platform errors, 429 with `Retry-After` for rate limits,
 * Block Kit limits (see block-kit-limits.ts), single-use trigger ids that
 * expire after 3 s, `files.uploadV2`'s three steps end to end, and canvases (`canvases.create`,
 * `canvases.edit`) with the scope they need and a free workspace's one-canvas-tab-per-channel rule.
 * Lists (`users.list`, `conversations.members`) page by cursor within Slack's limits.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BLOCK_KIT_LIMITS, findBlockKitViolations, findViewViolations, isMessageBlocksTooLong } from './block-kit-limits.ts';

type Json = Record<string, unknown>;

export interface FakeSlackOptions {
  teamId?: string;
  teamDomain?: string;
  teamName?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Tokens that authenticate; by default any token starting with `xoxb-`. */
  tokens?: readonly string[];
  /** Clock in milliseconds, for trigger expiry, rate-limit windows and `at`. */
  now?: () => number;
  triggerValidityMs?: number;
  /** JSON length of a message's blocks above which Slack answers `msg_blocks_too_long`. */
  maxMessageBlocksJsonChars?: number;
  /** Bot scopes granted; methods that need another answer `missing_scope`. Unset grants all. */
  scopes?: readonly string[];
  /** A free workspace: canvases must be tabbed in a channel, one per channel. */
  isFreeTeam?: boolean;
  /**
   * How long Slack takes to answer, per method, in ms (none by default). The call is judged and
   * recorded when it arrives, as Slack does; only the answer waits.
   */
  answerDelayMs?: Readonly<Record<string, number>>;
  port?: number;
}

export interface FakeCanvas {
  id: string;
  title: string | undefined;
  markdown: string;
  channel_id: string | undefined;
  /** How many times canvases.edit changed it. */
  edits: number;
}

export type FakeSlackCallOutcome = 'ok' | 'error' | 'rate_limited' | 'http_error';

export interface FakeSlackCall {
  method: string;
  /** Decoded arguments, without `token`; JSON-valued ones (blocks, view, attachments, metadata, files) parsed. */
  args: Json;
  token: string | undefined;
  /** The fake's clock when the call arrived, in ms. */
  at: number;
  contentType: string;
  status: number;
  outcome: FakeSlackCallOutcome;
  /** Slack's error code; `ratelimited` for a 429, `http_<status>` for other HTTP failures. */
  error: string | undefined;
  /** The JSON body answered, if any. */
  response: Json | undefined;
}

/**
 * What `failNext` makes a method answer: a platform error, a 429, or another HTTP failure. With
 * `afterApplying`, the call takes effect first and then answers the error, as Slack can after
 * `internal_error`: the caller cannot tell whether it happened.
 */
export type FakeSlackFault =
  | { error: string; extra?: Json; afterApplying?: boolean; onlyIf?: (args: Json) => boolean }
  | { status: 429; retryAfter?: number }
  | { status: number; body?: string };

export interface FakeUser {
  name?: string;
  real_name?: string;
  tz?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
}

export interface FakeChannel {
  name?: string;
  is_private?: boolean;
  is_archived?: boolean;
  /** Who is in it, for conversations.members; by default every known user and the bot. */
  members?: string[];
}

export interface FakeReaction {
  name: string;
  users: string[];
  count?: number;
}

export interface FakeMessage {
  type: 'message';
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  files?: Json[];
  user: string;
  bot_id?: string;
  app_id?: string;
  team: string;
  edited?: { user: string; ts: string };
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  reactions?: FakeReaction[];
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
}

export interface FakeFile {
  id: string;
  filename: string;
  title: string | undefined;
  length: number;
  content: Buffer | undefined;
  uploaded: boolean;
  completed: boolean;
  channel_id: string | undefined;
  thread_ts: string | undefined;
}

export interface FakeResponseUrlPost {
  url: string;
  body: Json;
  at: number;
  status: number;
}

export interface FakeMessageStore {
  /** The latest state of a message or thread reply. */
  get(channel: string, ts: string): FakeMessage | undefined;
  /** Every message (top-level and replies) in posting order, optionally of one channel. */
  list(channel?: string): FakeMessage[];
  /** Replies in a thread, oldest first, without the parent. */
  replies(channel: string, threadTs: string): FakeMessage[];
  /** The last top-level message posted in a channel. */
  latest(channel: string): FakeMessage | undefined;
  /** Adds a message as if someone else had posted it (a user by default). */
  seed(message: { channel: string; text?: string; user?: string; ts?: string; thread_ts?: string; blocks?: unknown[] }): FakeMessage;
  setReactions(channel: string, ts: string, reactions: FakeReaction[]): void;
}

export type FakeMethodHandler = (args: Json, context: { token: string; now: number }) => Json;

export interface FakeSlack {
  /** Base URL for `slackApiUrl`, ending with `/api/`. */
  url: string;
  /** The server's origin, e.g. `http://127.0.0.1:43123`. */
  origin: string;
  teamId: string;
  botUserId: string;
  botId: string;
  appId: string;
  calls: FakeSlackCall[];
  callsTo(method: string): FakeSlackCall[];
  /**
   * Polls the recorded calls until at least `count` match, then resolves with
   * all matching calls. A string predicate matches the method name.
   */
  waitFor(predicate: string | ((call: FakeSlackCall) => boolean), timeoutMs?: number, count?: number): Promise<FakeSlackCall[]>;
  issueTriggerId(): string;
  /** A response_url served by the fake (5 uses within 30 minutes, like Slack's). */
  issueResponseUrl(): string;
  responses: FakeResponseUrlPost[];
  messages: FakeMessageStore;
  ephemerals: FakeEphemeral[];
  /** Views opened, pushed or updated, by view id (latest state). */
  views: Map<string, Json>;
  /** Published Home tabs, by user id. */
  homeTabs: Map<string, Json>;
  files: Map<string, FakeFile>;
  users: Map<string, FakeUser>;
  channels: Map<string, FakeChannel>;
  /** Canvases created, by canvas id (latest content). */
  canvases: Map<string, FakeCanvas>;
  /** Replaces the granted bot scopes (`null` grants all). */
  setScopes(scopes: readonly string[] | null): void;
  /** Makes the workspace a free one (canvases tabbed in a channel, one per channel) or a paid one. */
  setFreeTeam(isFree: boolean): void;
  denyChannel(channelId: string, reason: 'not_in_channel' | 'channel_not_found'): void;
  allowChannel(channelId: string): void;
  failNext(method: string, fault: FakeSlackFault, times?: number): void;
  /** Answers 429 with Retry-After once more than `perMinute` calls arrive within a minute; `null` removes the limit. */
  rateLimit(method: string, limit: { perMinute: number } | null): void;
  /** Adds or replaces a method's handler. */
  setHandler(method: string, handler: FakeMethodHandler): void;
  /** Makes `code` exchangeable once by oauth.v2.access for this answer (Slack's oauth.v2.access response). */
  grantOAuthCode(code: string, answer: Json): void;
  close(): Promise<void>;
}

/** Arguments whose values web-api JSON-encodes and Slack reads as JSON. */
const JSON_ARGUMENTS = new Set(['blocks', 'attachments', 'view', 'metadata', 'files', 'user_auth_blocks', 'chunks', 'unfurls', 'document_content', 'changes']);

const MAX_MESSAGE_TEXT = 40_000;

/** The scope each scope-checked method needs (only these are checked). */
const METHOD_SCOPES: Readonly<Record<string, string>> = {
  'canvases.create': 'canvases:write',
  'canvases.edit': 'canvases:write',
};

/** A canvas's markdown may hold at most 1 MiB. */
const MAX_CANVAS_MARKDOWN = 1_048_576;
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_VALIDITY_MS = 30 * 60_000;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Json | string, headers: Record<string, string> = {}): void {
  if (typeof body === 'string') sendText(res, status, body, 'text/plain; charset=utf-8', headers);
  else sendText(res, status, JSON.stringify(body), 'application/json; charset=utf-8', headers);
}

function sendText(res: ServerResponse, status: number, text: string, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(text);
}

async function decodeFields(contentType: string, rawContentType: string, body: Buffer): Promise<Json | 'invalid_json'> {
  if (contentType === 'application/json') {
    if (body.length === 0) return {};
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      return isObject(parsed) ? parsed : 'invalid_json';
    } catch {
      return 'invalid_json';
    }
  }
  if (contentType === 'multipart/form-data') {
    const form = await new Response(new Uint8Array(body), { headers: { 'content-type': rawContentType } }).formData();
    const fields: Json = {};
    for (const [key, value] of form.entries()) {
      fields[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
    }
    return fields;
  }
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

function parseJsonArguments(fields: Json): Json {
  const args: Json = {};
  for (const [key, value] of Object.entries(fields)) {
    if (JSON_ARGUMENTS.has(key) && typeof value === 'string') {
      try {
        args[key] = JSON.parse(value);
      } catch {
        args[key] = value; // left as a string: the handler answers like Slack does to unparsable JSON
      }
    } else {
      args[key] = value;
    }
  }
  return args;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function fail(error: string, extra: Json = {}): Json {
  return { ok: false, error, ...extra };
}

function invalidArguments(messages: string[]): Json {
  return fail('invalid_arguments', { response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) } });
}

function invalidBlocks(errors: string[]): Json {
  return fail('invalid_blocks', { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const {
    teamId = 'T0FAKE0001',
    teamDomain = 'fake-workspace',
    teamName = 'Fake Workspace',
    botUserId = 'U0FAKEBOT1',
    botId = 'B0FAKEBOT1',
    appId = 'A0FAKEAPP1',
    tokens,
    now = Date.now,
    triggerValidityMs = 3000,
    maxMessageBlocksJsonChars = BLOCK_KIT_LIMITS.messageBlocksJson,
    answerDelayMs = {},
    port = 0,
  } = options;
  let isFreeTeam = options.isFreeTeam ?? false;
  let grantedScopes: Set<string> | null = options.scopes ? new Set(options.scopes) : null;
  const canvases = new Map<string, FakeCanvas>();

  const calls: FakeSlackCall[] = [];
  const responses: FakeResponseUrlPost[] = [];
  const ephemerals: FakeEphemeral[] = [];
  const views = new Map<string, Json>();
  const homeTabs = new Map<string, Json>();
  const files = new Map<string, FakeFile>();
  const users = new Map<string, FakeUser>();
  const channels = new Map<string, FakeChannel>();
  const messageStore = new Map<string, FakeMessage>();
  const denied = new Map<string, 'not_in_channel' | 'channel_not_found'>();
  const joined = new Set<string>();
  const triggers = new Map<string, { issuedAt: number; used: boolean }>();
  const responseUrls = new Map<string, { issuedAt: number; uses: number }>();
  const faults = new Map<string, FakeSlackFault[]>();
  const limits = new Map<string, { perMinute: number; accepted: number[] }>();
  const customHandlers = new Map<string, FakeMethodHandler>();

  let tsMicros = 0;
  let idCounter = 0;
  let origin = '';

  // Unique, increasing, fixed-width and on the clock, like Slack's: 1764583200.123456, ...
  function nextTs(): string {
    tsMicros = Math.max(tsMicros + 1, Math.floor(now() * 1000));
    return `${Math.floor(tsMicros / 1_000_000)}.${String(tsMicros % 1_000_000).padStart(6, '0')}`;
  }

  function nextId(prefix: string): string {
    idCounter += 1;
    return `${prefix}0${idCounter.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  function viewHash(): string {
    return `${Math.floor(now() / 1000)}.${randomBytes(4).toString('hex')}`;
  }

  const key = (channel: string, ts: string) => `${channel}\u0000${ts}`;

  // Posting to a user id opens (or reuses) the DM with that user.
  function resolveChannel(channel: string): string {
    return /^[UW][A-Z0-9]+$/.test(channel) ? `D${channel.slice(1)}` : channel;
  }

  function channelDenial(channel: string, reasons: readonly ('not_in_channel' | 'channel_not_found')[]): Json | undefined {
    const reason = denied.get(channel);
    return reason !== undefined && reasons.includes(reason) ? fail(reason) : undefined;
  }

  function checkMessageContent(args: Json): Json | undefined {
    if (args.blocks !== undefined) {
      if (!Array.isArray(args.blocks)) return fail('invalid_blocks_format');
      const errors = findBlockKitViolations(args.blocks, 'message');
      if (errors.length > 0) return invalidBlocks(errors);
      if (isMessageBlocksTooLong(args.blocks, maxMessageBlocksJsonChars)) return fail('msg_blocks_too_long');
    }
    if (args.attachments !== undefined && !Array.isArray(args.attachments)) return fail('invalid_attachments');
    return undefined;
  }

  function messageText(args: Json): string {
    const text = str(args.text) ?? str(args.markdown_text) ?? '';
    return text.length > MAX_MESSAGE_TEXT ? text.slice(0, MAX_MESSAGE_TEXT) : text;
  }

  function hasContent(args: Json): boolean {
    return Boolean(str(args.text) || str(args.markdown_text) || args.blocks !== undefined || args.attachments !== undefined);
  }

  function storeMessage(message: FakeMessage): void {
    messageStore.set(key(message.channel, message.ts), message);
    if (message.thread_ts === undefined || message.thread_ts === message.ts) return;
    const parent = messageStore.get(key(message.channel, message.thread_ts));
    if (parent === undefined) return;
    parent.thread_ts = parent.ts;
    parent.reply_count = (parent.reply_count ?? 0) + 1;
    parent.latest_reply = message.ts;
    parent.reply_users = [...new Set([...(parent.reply_users ?? []), message.user])];
  }

  function botMessage(channel: string, args: Json, ts: string): FakeMessage {
    const message: FakeMessage = {
      type: 'message',
      channel,
      ts,
      text: messageText(args),
      user: botUserId,
      bot_id: botId,
      app_id: appId,
      team: teamId,
    };
    const threadTs = str(args.thread_ts);
    if (threadTs !== undefined) message.thread_ts = threadTs;
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    if (Array.isArray(args.attachments)) message.attachments = args.attachments;
    if (args.metadata !== undefined) message.metadata = args.metadata;
    return message;
  }

  /** A message as Slack's answers show it; answers are serialised at once, so no copy is needed. */
  function publicMessage(message: FakeMessage): Json {
    const { channel: _channel, ...rest } = message;
    return rest;
  }

  function channelInfo(id: string): Json {
    const info = channels.get(id) ?? {};
    const isIm = id.startsWith('D');
    return {
      id,
      name: info.name ?? id.toLowerCase(),
      is_channel: !isIm && !info.is_private,
      is_group: false,
      is_im: isIm,
      is_mpim: false,
      is_private: info.is_private ?? isIm,
      is_archived: info.is_archived ?? false,
      is_general: false,
      is_member: denied.get(id) !== 'not_in_channel' || joined.has(id),
      created: 1_600_000_000,
      creator: 'U0CREATOR1',
      context_team_id: teamId,
    };
  }

  // Cursors are opaque to clients; here they carry the offset of the next page.
  function pageOf<T>(items: readonly T[], args: Json, { defaultLimit, maxLimit }: { defaultLimit: number; maxLimit: number }): Json | { page: T[]; nextCursor: string } {
    const rawLimit = str(args.limit);
    const limit = rawLimit === undefined || rawLimit === '0' ? defaultLimit : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return fail('invalid_limit');
    const cursor = str(args.cursor);
    let offset = 0;
    if (cursor !== undefined && cursor !== '') {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      if (!decoded) return fail('invalid_cursor');
      offset = Number(decoded[1]);
    }
    const page = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
    return { page, nextCursor: next };
  }

  function userObject(id: string, user: FakeUser): Json {
    const name = user.name ?? id.toLowerCase();
    const realName = user.real_name ?? name;
    return {
      id,
      team_id: teamId,
      name,
      real_name: realName,
      deleted: user.deleted ?? false,
      tz: user.tz ?? 'America/Los_Angeles',
      tz_label: user.tz ?? 'Pacific Standard Time',
      tz_offset: 0,
      is_admin: user.is_admin ?? false,
      is_owner: user.is_owner ?? false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: user.is_bot ?? false,
      is_app_user: false,
      profile: { real_name: realName, display_name: name, team: teamId },
    };
  }

  function checkTrigger(triggerId: unknown): Json | undefined {
    const id = str(triggerId);
    if (id === undefined || id === '') return invalidArguments(['missing required field: trigger_id']);
    const trigger = triggers.get(id);
    if (trigger === undefined) return fail('invalid_trigger_id');
    if (trigger.used) return fail('exchanged_trigger_id');
    if (now() - trigger.issuedAt > triggerValidityMs) return fail('expired_trigger_id');
    return undefined;
  }

  function checkView(view: unknown, expectedType?: 'modal' | 'home'): Json | undefined {
    if (view === undefined) return invalidArguments(['missing required field: view']);
    if (typeof view === 'string') return invalidArguments(['failed to parse json [json-pointer:/view]']);
    const errors = findViewViolations(view);
    if (errors.length > 0) return invalidArguments(errors);
    if (expectedType !== undefined && isObject(view) && view.type !== expectedType) {
      return invalidArguments([`must be "${expectedType}" [json-pointer:/view/type]`]);
    }
    return undefined;
  }

  function makeView(view: Json, id: string, previous: Json | undefined): Json {
    return {
      id,
      team_id: teamId,
      type: view.type,
      blocks: view.blocks ?? [],
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id ?? '',
      state: previous?.state ?? { values: {} },
      hash: viewHash(),
      title: view.title ?? null,
      clear_on_close: view.clear_on_close ?? false,
      notify_on_close: view.notify_on_close ?? false,
      close: view.close ?? null,
      submit: view.submit ?? null,
      previous_view_id: previous?.previous_view_id ?? null,
      root_view_id: previous?.root_view_id ?? id,
      app_id: appId,
      external_id: view.external_id ?? '',
      app_installed_team_id: teamId,
      bot_id: botId,
    };
  }

  function findMessage(channel: string | undefined, ts: string | undefined): FakeMessage | undefined {
    if (channel === undefined || ts === undefined) return undefined;
    return messageStore.get(key(resolveChannel(channel), ts));
  }

  function fileObject(file: FakeFile): Json {
    return {
      id: file.id,
      created: Math.floor(now() / 1000),
      name: file.filename,
      title: file.title ?? file.filename,
      mimetype: 'application/octet-stream',
      filetype: file.filename.includes('.') ? file.filename.split('.').pop() : 'binary',
      user: botUserId,
      size: file.length,
      url_private: `${origin}/files/${file.id}/${encodeURIComponent(file.filename)}`,
      permalink: `https://${teamDomain}.slack.com/files/${botUserId}/${file.id}/${encodeURIComponent(file.filename)}`,
      channels: file.channel_id === undefined ? [] : [file.channel_id],
    };
  }

  const oauthGrants = new Map<string, Json>();

  const handlers: Record<string, FakeMethodHandler> = {
    'oauth.v2.access': (args) => {
      const grant = oauthGrants.get(str(args.code) ?? '');
      if (!grant) return fail('invalid_code');
      oauthGrants.delete(str(args.code) ?? '');
      return { ok: true, ...grant };
    },

    'api.test': (args) => ({ ok: true, args }),

    'auth.test': () => ({
      ok: true,
      url: `https://${teamDomain}.slack.com/`,
      team: teamName,
      user: 'content-broadcaster',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),

    'chat.postMessage': (args) => {
      const requested = str(args.channel);
      if (requested === undefined || requested === '') return fail('channel_not_found');
      const channel = resolveChannel(requested);
      const denial = channelDenial(channel, ['not_in_channel', 'channel_not_found']);
      if (denial) return denial;
      if (!hasContent(args)) return fail('no_text');
      const invalid = checkMessageContent(args);
      if (invalid) return invalid;
      const message = botMessage(channel, args, nextTs());
      storeMessage(message);
      return { ok: true, channel, ts: message.ts, message: publicMessage(message) };
    },

    'chat.update': (args) => {
      const requested = str(args.channel);
      const ts = str(args.ts);
      if (requested === undefined || requested === '') return fail('channel_not_found');
      const channel = resolveChannel(requested);
      const denial = channelDenial(channel, ['channel_not_found']);
      if (denial) return denial;
      const message = findMessage(channel, ts);
      if (message === undefined) return fail('message_not_found');
      if (message.bot_id !== botId) return fail('cant_update_message');
      if (!hasContent(args)) return fail('no_text');
      const invalid = checkMessageContent(args);
      if (invalid) return invalid;
      // Like Slack: blocks and attachments left out of the call are kept.
      if (args.text !== undefined || args.markdown_text !== undefined) message.text = messageText(args);
      if (Array.isArray(args.blocks)) message.blocks = args.blocks;
      if (Array.isArray(args.attachments)) message.attachments = args.attachments;
      if (args.metadata !== undefined) message.metadata = args.metadata;
      message.edited = { user: botUserId, ts: nextTs() };
      return { ok: true, channel, ts: message.ts, text: message.text, message: publicMessage(message) };
    },

    'chat.postEphemeral': (args) => {
      const requested = str(args.channel);
      if (requested === undefined || requested === '') return fail('channel_not_found');
      const channel = resolveChannel(requested);
      const denial = channelDenial(channel, ['not_in_channel', 'channel_not_found']);
      if (denial) return denial;
      const user = str(args.user);
      if (user === undefined || user === '') return fail('user_not_found');
      if (!hasContent(args)) return fail('no_text');
      const invalid = checkMessageContent(args);
      if (invalid) return invalid;
      const ephemeral: FakeEphemeral = { channel, user, message_ts: nextTs(), text: messageText(args) };
      const threadTs = str(args.thread_ts);
      if (threadTs !== undefined) ephemeral.thread_ts = threadTs;
      if (Array.isArray(args.blocks)) ephemeral.blocks = args.blocks;
      ephemerals.push(ephemeral);
      return { ok: true, message_ts: ephemeral.message_ts };
    },

    'chat.getPermalink': (args) => {
      const requested = str(args.channel);
      if (requested === undefined) return fail('channel_not_found');
      const channel = resolveChannel(requested);
      const denial = channelDenial(channel, ['channel_not_found']);
      if (denial) return denial;
      const message = findMessage(channel, str(args.message_ts));
      if (message === undefined) return fail('message_not_found');
      let permalink = `https://${teamDomain}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
      if (message.thread_ts !== undefined && message.thread_ts !== message.ts) {
        permalink += `?thread_ts=${message.thread_ts}&cid=${channel}`;
      }
      return { ok: true, channel, permalink };
    },

    'views.open': (args) => {
      const invalid = checkView(args.view, 'modal') ?? checkTrigger(args.trigger_id);
      if (invalid) return invalid;
      triggers.get(String(args.trigger_id))!.used = true;
      const id = nextId('V');
      const view = makeView(args.view as Json, id, undefined);
      views.set(id, view);
      return { ok: true, view };
    },

    'views.push': (args) => {
      const invalid = checkView(args.view, 'modal') ?? checkTrigger(args.trigger_id);
      if (invalid) return invalid;
      triggers.get(String(args.trigger_id))!.used = true;
      const id = nextId('V');
      const view = makeView(args.view as Json, id, undefined);
      views.set(id, view);
      return { ok: true, view };
    },

    'views.update': (args) => {
      const viewId = str(args.view_id);
      const externalId = str(args.external_id);
      if (viewId === undefined && externalId === undefined) {
        return invalidArguments(['must provide either view_id or external_id']);
      }
      const existing =
        viewId !== undefined ? views.get(viewId) : [...views.values()].find((v) => v.external_id === externalId);
      const invalid = checkView(args.view);
      if (invalid) return invalid;
      if (existing === undefined) return fail('not_found');
      const hash = str(args.hash);
      if (hash !== undefined && hash !== existing.hash) return fail('hash_conflict');
      const view = makeView(args.view as Json, String(existing.id), existing);
      views.set(String(existing.id), view);
      return { ok: true, view };
    },

    'views.publish': (args) => {
      const userId = str(args.user_id);
      if (userId === undefined || userId === '') return invalidArguments(['missing required field: user_id']);
      const invalid = checkView(args.view, 'home');
      if (invalid) return invalid;
      const existing = homeTabs.get(userId);
      const hash = str(args.hash);
      if (hash !== undefined && existing !== undefined && hash !== existing.hash) return fail('hash_conflict');
      const view = makeView(args.view as Json, existing === undefined ? nextId('V') : String(existing.id), existing);
      homeTabs.set(userId, view);
      return { ok: true, view };
    },

    'users.info': (args) => {
      const id = str(args.user);
      const user = id === undefined ? undefined : users.get(id);
      if (id === undefined || user === undefined) return fail('user_not_found');
      return { ok: true, user: userObject(id, user) };
    },

    // Every member of the workspace (Slackbot and the app's bot user included), paged by cursor.
    'users.list': (args) => {
      const everyone = [
        userObject('USLACKBOT', { name: 'slackbot', is_bot: false }),
        userObject(botUserId, { name: 'content-broadcaster', is_bot: true }),
        ...[...users.entries()].map(([id, user]) => userObject(id, user)),
      ];
      const paged = pageOf(everyone, args, { defaultLimit: 1000, maxLimit: 1000 });
      if ('ok' in paged) return paged;
      return { ok: true, members: paged.page, cache_ts: Math.floor(now() / 1000), response_metadata: { next_cursor: paged.nextCursor } };
    },

    'conversations.info': (args) => {
      const requested = str(args.channel);
      if (requested === undefined || requested === '') return fail('channel_not_found');
      const channel = resolveChannel(requested);
      return channelDenial(channel, ['channel_not_found']) ?? { ok: true, channel: channelInfo(channel) };
    },

    // Top-level messages, newest first, between `oldest` and `latest`; metadata only when asked for.
    'conversations.history': (args) => {
      const requested = str(args.channel);
      if (requested === undefined || requested === '') return fail('channel_not_found');
      const channel = resolveChannel(requested);
      const denial = channelDenial(channel, ['not_in_channel', 'channel_not_found']);
      if (denial) return denial;
      const oldest = Number(str(args.oldest) ?? '0');
      const latest = Number(str(args.latest) ?? String(Number.MAX_SAFE_INTEGER));
      const isInclusive = String(args.inclusive) === 'true' || String(args.inclusive) === '1';
      const isInWindow = (ts: number) => (isInclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest);
      const withMetadata = String(args.include_all_metadata) === 'true' || String(args.include_all_metadata) === '1';
      const limit = Math.min(Math.max(Number(str(args.limit) ?? '100') || 100, 1), 999);
      const found = [...messageStore.values()]
        .filter((message) => message.channel === channel && (message.thread_ts === undefined || message.thread_ts === message.ts) && isInWindow(Number(message.ts)))
        .sort((a, b) => Number(b.ts) - Number(a.ts));
      const page = found.slice(0, limit).map((message) => {
        const { metadata, ...rest } = publicMessage(message);
        return withMetadata && metadata !== undefined ? { ...rest, metadata } : rest;
      });
      return { ok: true, messages: page, has_more: found.length > limit, pin_count: 0 };
    },

    // A thread: its parent first, then its replies, oldest first; metadata only when asked for.
    'conversations.replies': (args) => {
      const requested = str(args.channel);
      if (requested === undefined || requested === '') return fail('channel_not_found');
      const channel = resolveChannel(requested);
      const denial = channelDenial(channel, ['not_in_channel', 'channel_not_found']);
      if (denial) return denial;
      const threadTs = str(args.ts);
      if (threadTs === undefined || threadTs === '') return invalidArguments(['missing required field: ts']);
      if (!messageStore.has(key(channel, threadTs))) return fail('thread_not_found');
      const withMetadata = String(args.include_all_metadata) === 'true' || String(args.include_all_metadata) === '1';
      const thread = [...messageStore.values()]
        .filter((message) => message.channel === channel && (message.ts === threadTs || message.thread_ts === threadTs))
        .sort((a, b) => Number(a.ts) - Number(b.ts));
      const paged = pageOf(thread, args, { defaultLimit: 1000, maxLimit: 1000 });
      if ('ok' in paged) return paged;
      const messages = (paged.page as FakeMessage[]).map((message) => {
        const { metadata, ...rest } = publicMessage(message);
        return withMetadata && metadata !== undefined ? { ...rest, metadata } : rest;
      });
      return { ok: true, messages, has_more: paged.nextCursor !== '', response_metadata: { next_cursor: paged.nextCursor } };
    },

    'conversations.members': (args) => {
      const requested = str(args.channel);
      if (requested === undefined || requested === '') return fail('channel_not_found');
      const channel = resolveChannel(requested);
      const denial = channelDenial(channel, ['channel_not_found']);
      if (denial) return denial;
      // A private channel the app is not in does not exist, as far as the app can tell.
      if (channels.get(channel)?.is_private && channelInfo(channel).is_member !== true) return fail('channel_not_found');
      const members = channels.get(channel)?.members ?? [botUserId, ...users.keys()];
      const paged = pageOf(members, args, { defaultLimit: 100, maxLimit: 1000 });
      if ('ok' in paged) return paged;
      return { ok: true, members: paged.page, response_metadata: { next_cursor: paged.nextCursor } };
    },

    // The app's DM with one person (a group DM for several is not needed here).
    'conversations.open': (args) => {
      const requested = (str(args.users) ?? '').split(',').map((id) => id.trim()).filter(Boolean);
      if (requested.length === 0 && str(args.channel) === undefined) return invalidArguments(['must provide either users or channel']);
      if (requested.length > 1) return fail('not_implemented_in_fake');
      const userId = requested[0] ?? '';
      if (!/^[UW][A-Z0-9]+$/.test(userId) || users.get(userId)?.deleted) return fail('user_not_found');
      if (userId === botUserId) return fail('cannot_dm_bot');
      return { ok: true, channel: { id: resolveChannel(userId) } };
    },

    'conversations.join': (args) => {
      const requested = str(args.channel);
      if (requested === undefined || requested === '') return fail('channel_not_found');
      const channel = resolveChannel(requested);
      const denial = channelDenial(channel, ['channel_not_found']);
      if (denial) return denial;
      if (channels.get(channel)?.is_private) return fail('method_not_supported_for_channel_type');
      if (channels.get(channel)?.is_archived) return fail('is_archived');
      const wasMember = channelInfo(channel).is_member === true;
      joined.add(channel);
      if (denied.get(channel) === 'not_in_channel') denied.delete(channel);
      const result: Json = { ok: true, channel: channelInfo(channel) };
      if (wasMember) result.warning = 'already_in_channel';
      return result;
    },

    'reactions.get': (args) => {
      const requested = str(args.channel);
      if (requested === undefined) return fail('channel_not_found');
      const channel = resolveChannel(requested);
      const denial = channelDenial(channel, ['channel_not_found']);
      if (denial) return denial;
      const message = findMessage(channel, str(args.timestamp));
      if (message === undefined) return fail('message_not_found');
      return { ok: true, type: 'message', channel, message: publicMessage(message) };
    },

    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      const length = Number(str(args.length));
      const missing: string[] = [];
      if (filename === undefined || filename === '') missing.push('missing required field: filename');
      if (!Number.isInteger(length) || length < 0) missing.push('missing required field: length');
      if (missing.length > 0) return invalidArguments(missing);
      const id = nextId('F');
      files.set(id, {
        id,
        filename: filename!,
        title: undefined,
        length,
        content: undefined,
        uploaded: false,
        completed: false,
        channel_id: undefined,
        thread_ts: undefined,
      });
      return { ok: true, upload_url: `${origin}/upload/v1/${id}`, file_id: id };
    },

    'canvases.create': (args) => {
      const channel = str(args.channel_id);
      if (channel === undefined && isFreeTeam) return fail('free_teams_cannot_create_non_tabbed_canvases');
      if (channel !== undefined) {
        const denial = channelDenial(resolveChannel(channel), ['not_in_channel', 'channel_not_found']);
        if (denial) return denial;
        const hasTab = [...canvases.values()].some((canvas) => canvas.channel_id === resolveChannel(channel));
        if (isFreeTeam && hasTab) return fail('free_team_canvas_tab_already_exists');
      }
      const content = readDocumentContent(args.document_content);
      if (typeof content !== 'string') return content;
      const id = nextId('F');
      canvases.set(id, { id, title: str(args.title), markdown: content, channel_id: channel === undefined ? undefined : resolveChannel(channel), edits: 0 });
      return { ok: true, canvas_id: id };
    },

    'canvases.edit': (args) => {
      const canvas = canvases.get(str(args.canvas_id) ?? '');
      if (canvas === undefined) return fail('canvas_not_found');
      if (!Array.isArray(args.changes) || args.changes.length === 0) return invalidArguments(['missing required field: changes']);
      for (const change of args.changes) {
        if (!isObject(change)) return invalidArguments(['expected object [json-pointer:/changes]']);
        if (change.operation !== 'replace' || change.section_id !== undefined) return fail('invalid_arguments');
        const content = readDocumentContent(change.document_content);
        if (typeof content !== 'string') return content;
        canvas.markdown = content;
      }
      canvas.edits += 1;
      return { ok: true };
    },

    'files.completeUploadExternal': (args) => {
      if (!Array.isArray(args.files) || args.files.length === 0) {
        return invalidArguments(['missing required field: files']);
      }
      const entries = args.files.filter(isObject);
      const found: FakeFile[] = [];
      for (const entry of entries) {
        const file = files.get(String(entry.id));
        if (file === undefined || !file.uploaded) return fail('file_not_found');
        found.push(file);
      }
      const requested = str(args.channel_id) ?? str(args.channels);
      const channel = requested === undefined ? undefined : resolveChannel(requested);
      if (channel !== undefined) {
        const denial = channelDenial(channel, ['not_in_channel', 'channel_not_found']);
        if (denial) return denial;
        const invalid = checkMessageContent(args);
        if (invalid) return invalid;
      }
      const threadTs = str(args.thread_ts);
      found.forEach((file, i) => {
        file.completed = true;
        file.title = str(entries[i]?.title) ?? file.filename;
        file.channel_id = channel;
        file.thread_ts = threadTs;
      });
      if (channel !== undefined) {
        // Sharing to a channel posts a message carrying the files and the initial comment.
        const message = botMessage(channel, { text: str(args.initial_comment) ?? '', thread_ts: threadTs, blocks: args.blocks }, nextTs());
        message.files = found.map(fileObject);
        storeMessage(message);
      }
      return { ok: true, files: found.map(fileObject) };
    },
  };

  /** A canvas's `document_content` (`{ type: 'markdown', markdown }`), or Slack's answer to a bad one. */
  function readDocumentContent(value: unknown): string | Json {
    if (value === undefined) return '';
    if (!isObject(value) || value.type !== 'markdown' || typeof value.markdown !== 'string') return fail('invalid_document_content');
    if (value.markdown.length > MAX_CANVAS_MARKDOWN) return fail('canvas_too_large');
    return value.markdown;
  }

  function authenticate(token: string | undefined): Json | undefined {
    if (token === undefined || token === '') return fail('not_authed');
    if (tokens !== undefined) return tokens.includes(token) ? undefined : fail('invalid_auth');
    return token.startsWith('xoxb-') ? undefined : fail('invalid_auth');
  }

  /** Returns a 429 answer when the method's limit is already used up in the last minute. */
  function checkRateLimit(method: string, at: number): number | undefined {
    const limit = limits.get(method);
    if (limit === undefined) return undefined;
    limit.accepted = limit.accepted.filter((t) => at - t < 60_000);
    if (limit.accepted.length >= limit.perMinute) {
      const oldest = limit.accepted[0]!;
      return Math.max(1, Math.ceil((oldest + 60_000 - at) / 1000));
    }
    limit.accepted.push(at);
    return undefined;
  }

  // A fault with `onlyIf` waits for a call it matches; others take the next call.
  function takeFault(method: string, args: Json): FakeSlackFault | undefined {
    const queue = faults.get(method);
    const index = queue?.findIndex((fault) => !('onlyIf' in fault) || fault.onlyIf === undefined || fault.onlyIf(args)) ?? -1;
    if (queue === undefined || index < 0) return undefined;
    const [fault] = queue.splice(index, 1);
    if (queue.length === 0) faults.delete(method);
    return fault;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> {
    const at = now();
    const rawContentType = req.headers['content-type'] ?? '';
    const contentType = mediaType(rawContentType);
    const body = await readBody(req);
    const fields = await decodeFields(contentType, rawContentType, body);
    const call: FakeSlackCall = {
      method,
      args: {},
      token: undefined,
      at,
      contentType,
      status: 200,
      outcome: 'ok',
      error: undefined,
      response: undefined,
    };
    calls.push(call);

    const delayMs = answerDelayMs[method] ?? 0;
    const sendAnswer = (status: number, text: string, contentType: string, headers: Record<string, string>) => {
      if (delayMs > 0) setTimeout(() => sendText(res, status, text, contentType, headers), delayMs);
      else sendText(res, status, text, contentType, headers);
    };
    const answer = (status: number, response: Json | string, headers: Record<string, string> = {}) => {
      call.status = status;
      if (typeof response === 'string') {
        call.outcome = 'http_error';
        call.error = `http_${status}`;
        return sendAnswer(status, response, 'text/plain; charset=utf-8', headers);
      }
      call.outcome = status === 429 ? 'rate_limited' : response.ok === true ? 'ok' : 'error';
      call.error = response.ok === true ? undefined : String(response.error);
      // The answer is serialised once; the recorded copy is parsed from that text only when a test
      // reads it, so it is a snapshot of what was sent without a clone on every call.
      const text = JSON.stringify(response);
      let recorded: Json | undefined;
      Object.defineProperty(call, 'response', { enumerable: true, configurable: true, get: () => (recorded ??= JSON.parse(text) as Json) });
      sendAnswer(status, text, 'application/json; charset=utf-8', headers);
    };

    if (fields === 'invalid_json') return answer(200, fail('invalid_json'));
    const { token: bodyToken, ...rest } = { ...Object.fromEntries(query), ...fields };
    const authorization = req.headers.authorization;
    const headerToken = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : undefined;
    call.token = headerToken ?? str(bodyToken);
    call.args = parseJsonArguments(rest);

    const fault = takeFault(method, call.args);
    if (fault !== undefined && !('afterApplying' in fault && fault.afterApplying)) {
      if ('error' in fault) return answer(200, fail(fault.error, fault.extra));
      if (fault.status === 429) {
        const retryAfter = 'retryAfter' in fault && fault.retryAfter !== undefined ? fault.retryAfter : 1;
        return answer(429, fail('ratelimited'), { 'retry-after': String(retryAfter) });
      }
      return answer(fault.status, 'body' in fault && fault.body !== undefined ? fault.body : 'Internal Server Error');
    }

    const handler = customHandlers.get(method) ?? handlers[method];
    if (handler === undefined) return answer(200, fail('unknown_method'));
    // oauth.v2.access is authenticated by the app's client id and secret, not by a token, and
    // apps.connections.open (Socket Mode) by an app-level token.
    const isAppTokenCall = method === 'apps.connections.open' && (call.token ?? '').startsWith('xapp-');
    if (method !== 'api.test' && method !== 'oauth.v2.access' && !isAppTokenCall) {
      const unauthenticated = authenticate(call.token);
      if (unauthenticated) return answer(200, unauthenticated);
    }
    const neededScope = METHOD_SCOPES[method];
    if (neededScope !== undefined && grantedScopes !== null && !grantedScopes.has(neededScope)) {
      return answer(200, fail('missing_scope', { needed: neededScope, provided: [...grantedScopes].join(',') }));
    }
    const retryAfter = checkRateLimit(method, at);
    if (retryAfter !== undefined) return answer(429, fail('ratelimited'), { 'retry-after': String(retryAfter) });
    const result = handler(call.args, { token: call.token ?? '', now: at });
    if (fault !== undefined && 'error' in fault) return answer(200, fail(fault.error, fault.extra));
    return answer(200, result);
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
    const file = files.get(fileId);
    const rawContentType = req.headers['content-type'] ?? '';
    const body = await readBody(req);
    if (file === undefined) return send(res, 404, 'Not Found');
    let content = body;
    if (mediaType(rawContentType) === 'multipart/form-data') {
      const fields = await decodeFields('multipart/form-data', rawContentType, body);
      const data = fields === 'invalid_json' ? undefined : (Object.values(fields).find(Buffer.isBuffer) ?? fields.body);
      content = Buffer.isBuffer(data) ? data : Buffer.from(String(data ?? ''));
    }
    file.content = content;
    file.uploaded = true;
    send(res, 200, `OK - ${content.length}`);
  }

  async function handleResponseUrl(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const at = now();
    const body = await readBody(req);
    const url = `${origin}/response-url/${id}`;
    let parsed: Json = {};
    try {
      const value: unknown = JSON.parse(body.toString('utf8'));
      if (isObject(value)) parsed = value;
    } catch {
      // recorded as an empty body; Slack answers invalid_payload
    }
    const entry = responseUrls.get(id);
    const record = (status: number, answer: Json) => {
      responses.push({ url, body: parsed, at, status });
      send(res, status, answer);
    };
    if (entry === undefined) return record(404, fail('invalid_url'));
    if (at - entry.issuedAt > RESPONSE_URL_VALIDITY_MS) return record(404, fail('expired_url'));
    if (entry.uses >= RESPONSE_URL_USES) return record(404, fail('used_url'));
    if (Object.keys(parsed).length === 0) return record(400, fail('invalid_payload'));
    if (parsed.blocks !== undefined) {
      const errors = findBlockKitViolations(parsed.blocks, 'message');
      if (errors.length > 0) return record(400, invalidBlocks(errors));
    }
    entry.uses += 1;
    record(200, { ok: true });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = url.pathname.split('/').filter(Boolean);
    const handle = async () => {
      if (segments[0] === 'api' && segments.length === 2) return handleApi(req, res, segments[1]!, url.searchParams);
      if (segments[0] === 'upload' && segments.length === 3) return handleUpload(req, res, segments[2]!);
      if (segments[0] === 'response-url' && segments.length === 2) return handleResponseUrl(req, res, segments[1]!);
      req.resume();
      send(res, 404, 'Not Found');
    };
    handle().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `fake-slack: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${address.port}`;

  const messages: FakeMessageStore = {
    get: (channel, ts) => {
      const message = findMessage(channel, ts);
      return message === undefined ? undefined : clone(message);
    },
    list: (channel) =>
      [...messageStore.values()].filter((m) => channel === undefined || m.channel === resolveChannel(channel)).map(clone),
    replies: (channel, threadTs) =>
      [...messageStore.values()]
        .filter((m) => m.channel === resolveChannel(channel) && m.thread_ts === threadTs && m.ts !== threadTs)
        .map(clone),
    latest: (channel) => {
      const topLevel = [...messageStore.values()].filter(
        (m) => m.channel === resolveChannel(channel) && (m.thread_ts === undefined || m.thread_ts === m.ts),
      );
      const last = topLevel.at(-1);
      return last === undefined ? undefined : clone(last);
    },
    seed: ({ channel, text = '', user = 'U0SEEDUSER', ts = nextTs(), thread_ts, blocks }) => {
      const message: FakeMessage = { type: 'message', channel: resolveChannel(channel), ts, text, user, team: teamId };
      if (thread_ts !== undefined) message.thread_ts = thread_ts;
      if (blocks !== undefined) message.blocks = blocks;
      storeMessage(message);
      return clone(message);
    },
    setReactions: (channel, ts, reactions) => {
      const message = findMessage(channel, ts) ?? messages.seed({ channel, ts });
      const stored = messageStore.get(key(message.channel, message.ts))!;
      stored.reactions = reactions.map((r) => ({ name: r.name, users: [...r.users], count: r.count ?? r.users.length }));
    },
  };

  const callsTo = (method: string) => calls.filter((call) => call.method === method);

  return {
    url: `${origin}/api/`,
    origin,
    teamId,
    botUserId,
    botId,
    appId,
    calls,
    callsTo,
    async waitFor(predicate, timeoutMs = 2000, count = 1) {
      const matches = typeof predicate === 'string' ? (call: FakeSlackCall) => call.method === predicate : predicate;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = calls.filter(matches);
        if (found.length >= count) return found;
        if (Date.now() >= deadline) {
          const seen = calls.map((c) => `${c.method}(${c.outcome}${c.error ? `: ${c.error}` : ''})`).join(', ') || 'none';
          throw new Error(
            `fake-slack: expected ${count} matching call(s) within ${timeoutMs} ms, found ${found.length}; calls so far: ${seen}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    issueTriggerId() {
      const id = `${10_000_000_000 + triggers.size + 1}.${teamId.replace(/\D/g, '') || '1'}.${randomBytes(16).toString('hex')}`;
      triggers.set(id, { issuedAt: now(), used: false });
      return id;
    },
    issueResponseUrl() {
      const id = randomBytes(12).toString('hex');
      responseUrls.set(id, { issuedAt: now(), uses: 0 });
      return `${origin}/response-url/${id}`;
    },
    responses,
    messages,
    ephemerals,
    views,
    homeTabs,
    files,
    users,
    channels,
    canvases,
    setScopes(scopes) {
      grantedScopes = scopes === null ? null : new Set(scopes);
    },
    setFreeTeam(isFree) {
      isFreeTeam = isFree;
    },
    denyChannel(channelId, reason) {
      denied.set(channelId, reason);
      joined.delete(channelId);
    },
    allowChannel(channelId) {
      denied.delete(channelId);
    },
    failNext(method, fault, times = 1) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i += 1) queue.push(fault);
      faults.set(method, queue);
    },
    rateLimit(method, limit) {
      if (limit === null) limits.delete(method);
      else limits.set(method, { perMinute: limit.perMinute, accepted: [] });
    },
    grantOAuthCode(code, grant) {
      oauthGrants.set(code, grant);
    },
    setHandler(method, handler) {
      customHandlers.set(method, handler);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
