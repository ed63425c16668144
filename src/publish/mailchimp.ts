import { z } from 'zod';
import { newsletterVariantSchema } from '../domain/channels.ts';
import type { MailchimpConfig } from '../domain/destinations.ts';
import { escapeHtml, markdownToHtml } from './html.ts';
import { describeStatus, formatSeconds, type HttpExchange, parseJson, retryableAnswer, sendHttpRequest, UNREACHABLE } from './http.ts';
import type { DestinationNetworkPolicy } from './network-guard.ts';
import type { DeliveryResult, DestinationCheck, PublishContent } from './types.ts';

/*
 * Mailchimp's Marketing API, called with our own HTTP layer rather than @mailchimp/mailchimp_marketing:
 * that client keeps one process-wide configuration (`setConfig({ apiKey, server })`), so two workspaces
 * publishing at once would race on whose key and data center a call uses, and it sends through
 * superagent, which follows redirects and connects without our address guard.
 */

const QUARTER_HOUR_MS = 15 * 60_000;
// Campaigns made a little before the attempt's recorded start still count: clocks differ.
const CLOCK_SKEW_MS = 2 * 60_000;
// Mailchimp refuses a schedule time that is not comfortably in the future.
const SCHEDULE_MARGIN_MS = 60_000;

/** The first quarter hour (:00, :15, :30, :45) at or after `at`, the only times Mailchimp schedules for. */
export function roundUpToQuarterHour(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS);
}

/**
 * When a scheduled campaign goes out: the destination's time rounded up to the quarter hour, and never
 * sooner than a minute from now (the job may run late).
 */
export function mailchimpSendTime(scheduledAt: Date | undefined, now: Date): Date {
  const earliest = new Date(now.getTime() + SCHEDULE_MARGIN_MS);
  const wanted = scheduledAt && scheduledAt.getTime() > earliest.getTime() ? scheduledAt : earliest;
  return roundUpToQuarterHour(wanted);
}

/** "https://us21.api.mailchimp.com/3.0", or MAILCHIMP_API_URL + "/3.0" when it is set (tests, proxies). */
export function mailchimpApiBase(serverPrefix: string, apiUrl: string | undefined): string {
  return apiUrl ? `${apiUrl.replace(/\/+$/, '')}/3.0` : `https://${serverPrefix}.api.mailchimp.com/3.0`;
}

/** The campaign's internal title (never shown to subscribers); it carries the attempt's key, which reconciling looks for. */
export function campaignTitle(content: PublishContent, idempotencyKey: string): string {
  return `Plan #${content.plan.number} · ${idempotencyKey}`;
}

/** The newsletter variant's body as HTML, with a link to the post at the end when the body does not link to it already. */
export function newsletterHtml(body: string, link: string | undefined): string {
  const html = markdownToHtml(body).trimEnd();
  if (link === undefined || html.includes(`href="${escapeHtml(link)}"`)) return `${html}\n`;
  return `${html}\n<p><a href="${escapeHtml(link)}">Read the full article</a></p>\n`;
}

export type MailchimpCall = { apiUrl: string | undefined; apiKey: string; timeoutMs: number; network: DestinationNetworkPolicy };

const campaignSchema = z.object({
  id: z.string(),
  web_id: z.number().optional(),
  status: z.string(),
  archive_url: z.string().optional(),
  create_time: z.string().optional(),
  settings: z.object({ title: z.string().optional() }).optional(),
});
type Campaign = z.infer<typeof campaignSchema>;
const campaignListSchema = z.object({ campaigns: z.array(campaignSchema), total_items: z.number().optional() });
const problemSchema = z.object({ title: z.string().optional(), detail: z.string().optional() });

function request(
  config: MailchimpConfig,
  call: MailchimpCall,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  query: Record<string, string> = {},
): Promise<HttpExchange> {
  const url = new URL(`${mailchimpApiBase(config.serverPrefix, call.apiUrl)}${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return sendHttpRequest({
    url: url.toString(),
    method,
    // Mailchimp takes any user name with the key as the password.
    headers: {
      authorization: `Basic ${Buffer.from(`anystring:${call.apiKey}`, 'utf8').toString('base64')}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    timeoutMs: call.timeoutMs,
    network: call.network,
  });
}

/** Anything but the expected answer, as a result with a sentence for the thread. `mayHaveActed`: the request could have changed something. */
function describeFailure(exchange: HttpExchange, { timeoutMs, mayHaveActed, step }: { timeoutMs: number; mayHaveActed: boolean; step: string }): DeliveryResult {
  if (exchange.kind === 'not_sent') {
    if (exchange.isRefusedBeforeSending) return { state: 'failed', retryable: false, isRefusedBeforeSending: true, reason: exchange.message };
    const why = exchange.timedOut ? `did not accept a connection within ${formatSeconds(timeoutMs)}` : `could not be reached (${exchange.code ?? exchange.message})`;
    return { state: 'failed', retryable: true, reason: `Mailchimp ${why} while ${step}.` };
  }
  if (exchange.kind === 'no_answer') {
    const why = exchange.timedOut ? `did not answer within ${formatSeconds(timeoutMs)}` : 'broke the connection before answering';
    return mayHaveActed
      ? { state: 'unknown', retryable: true, reason: `Mailchimp ${why} while ${step}; the next try looks the campaign up by its title before making another.` }
      : { state: 'failed', retryable: true, reason: `Mailchimp ${why} while ${step}.` };
  }
  const { status } = exchange;
  const problem = problemSchema.safeParse(parseJson(exchange.body));
  const detail = problem.success && problem.data.detail ? `${status}: ${problem.data.detail.replace(/\s+/g, ' ').slice(0, 200)}` : describeStatus(status);
  if (status === 401) return { state: 'failed', retryable: false, status, reason: 'Mailchimp rejected the API key (401); paste a current one in the App Home.' };
  if (status === 403) return { state: 'failed', retryable: false, status, reason: `Mailchimp refused ${step} (${detail}); check the account's permissions.` };
  if (status === 404) return { state: 'failed', retryable: false, status, reason: `Mailchimp found nothing while ${step} (${detail}); check the audience ID in the App Home.` };
  if (status === 429 || status >= 500) {
    return retryableAnswer(exchange, { state: mayHaveActed && status >= 500 ? 'unknown' : 'failed', reason: `Mailchimp answered ${detail} while ${step}.` });
  }
  return { state: 'failed', retryable: false, status, reason: `Mailchimp refused ${step} (${detail}).` };
}

type Step<T> = { ok: true; value: T } | { ok: false; result: DeliveryResult };

/** The campaign made for this attempt, if Mailchimp has one: campaigns created since the attempt began whose title carries its key. */
export async function findCampaignByTitle(
  config: MailchimpConfig,
  call: MailchimpCall,
  { title, since }: { title: string; since: Date },
): Promise<Step<Campaign | undefined>> {
  const exchange = await request(config, call, 'GET', '/campaigns', undefined, {
    since_create_time: new Date(since.getTime() - CLOCK_SKEW_MS).toISOString(),
    list_id: config.listId,
    count: '1000',
    sort_field: 'create_time',
    sort_dir: 'DESC',
  });
  if (exchange.kind !== 'answered' || exchange.status !== 200) {
    return { ok: false, result: describeFailure(exchange, { timeoutMs: call.timeoutMs, mayHaveActed: false, step: 'listing campaigns' }) };
  }
  const list = campaignListSchema.safeParse(parseJson(exchange.body));
  if (!list.success) return { ok: false, result: { state: 'failed', retryable: true, status: 200, reason: 'Mailchimp answered the campaign list with something unexpected.' } };
  return { ok: true, value: list.data.campaigns.find((campaign) => campaign.settings?.title === title) };
}

function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function campaignDelivered(campaign: Campaign, config: MailchimpConfig, sendAt?: Date): DeliveryResult {
  const url = campaign.web_id === undefined ? campaign.archive_url : `https://${config.serverPrefix}.admin.mailchimp.com/campaigns/show/?id=${campaign.web_id}`;
  return {
    state: 'delivered',
    retryable: false,
    externalId: campaign.id,
    ...(url === undefined ? {} : { url }),
    ...(sendAt === undefined ? {} : { reason: `Scheduled in Mailchimp for ${formatUtc(sendAt)} (rounded up to the quarter hour).` }),
  };
}

/** A campaign is done once it is scheduled, sending or sent; a draft is done once its content is set. */
export function isCampaignFinished(campaign: Campaign, config: MailchimpConfig): boolean {
  if (config.delivery === 'draft') return false;
  return campaign.status === 'schedule' || campaign.status === 'sending' || campaign.status === 'sent';
}

export type MailchimpPublish = {
  config: MailchimpConfig;
  call: MailchimpCall;
  content: PublishContent;
  idempotencyKey: string;
  attemptStartedAt: Date;
  scheduledAt: Date | undefined;
  link: string | undefined;
  now: Date;
};

/**
 * Makes the newsletter variant a regular campaign to the audience and schedules it, sends it, or leaves
 * it as a draft. It looks for this attempt's campaign by title first and carries on from where an
 * earlier try stopped, so a retry never makes a second campaign.
 */
export async function publishToMailchimp({ config, call, content, idempotencyKey, attemptStartedAt, scheduledAt, link, now }: MailchimpPublish): Promise<DeliveryResult> {
  const variant = newsletterVariantSchema.safeParse(content.variants['newsletter']);
  if (!variant.success) {
    return { state: 'failed', retryable: false, reason: 'This plan has no newsletter to send; add the Newsletter channel to the plan, or unpick this destination.' };
  }
  const { subject, preview, body } = variant.data;
  const title = campaignTitle(content, idempotencyKey);
  const found = await findCampaignByTitle(config, call, { title, since: attemptStartedAt });
  if (!found.ok) return found.result;
  let campaign = found.value;
  if (campaign !== undefined && isCampaignFinished(campaign, config)) return campaignDelivered(campaign, config);

  if (campaign === undefined) {
    const created = await request(config, call, 'POST', '/campaigns', {
      type: 'regular',
      recipients: { list_id: config.listId },
      settings: { subject_line: subject, preview_text: preview, title, from_name: config.fromName, reply_to: config.replyTo },
    });
    if (created.kind !== 'answered' || created.status !== 200) {
      return describeFailure(created, { timeoutMs: call.timeoutMs, mayHaveActed: true, step: 'creating the campaign' });
    }
    const parsed = campaignSchema.safeParse(parseJson(created.body));
    if (!parsed.success) return { state: 'unknown', retryable: true, status: 200, reason: 'Mailchimp answered without the campaign; the next try looks it up by its title.' };
    campaign = parsed.data;
  }

  // Setting the same content again is harmless, so a resumed try always sets it.
  const contentSet = await request(config, call, 'PUT', `/campaigns/${encodeURIComponent(campaign.id)}/content`, { html: newsletterHtml(body, link) });
  if (contentSet.kind !== 'answered' || contentSet.status !== 200) {
    return describeFailure(contentSet, { timeoutMs: call.timeoutMs, mayHaveActed: true, step: 'setting the campaign content' });
  }
  if (config.delivery === 'draft') return campaignDelivered(campaign, config);

  const sendAt = config.delivery === 'schedule' ? mailchimpSendTime(scheduledAt, now) : undefined;
  const action =
    sendAt === undefined
      ? await request(config, call, 'POST', `/campaigns/${encodeURIComponent(campaign.id)}/actions/send`)
      : await request(config, call, 'POST', `/campaigns/${encodeURIComponent(campaign.id)}/actions/schedule`, { schedule_time: sendAt.toISOString() });
  if (action.kind !== 'answered' || action.status !== 204) {
    return describeFailure(action, { timeoutMs: call.timeoutMs, mayHaveActed: true, step: sendAt === undefined ? 'sending the campaign' : 'scheduling the campaign' });
  }
  return campaignDelivered({ ...campaign, status: sendAt === undefined ? 'sending' : 'schedule' }, config, sendAt);
}

/**
 * The Test button: a throwaway draft campaign to the audience, a test email of it to the chosen address,
 * and the draft deleted again. The answer says what happened without any of Mailchimp's text.
 */
export async function sendMailchimpTest(config: MailchimpConfig, call: MailchimpCall): Promise<DestinationCheck> {
  const failed = (exchange: HttpExchange, step: string): DestinationCheck => {
    if (exchange.kind === 'not_sent' && exchange.isRefusedBeforeSending) return { ok: false, message: exchange.message };
    if (exchange.kind !== 'answered') return { ok: false, message: `Mailchimp did not answer within ${formatSeconds(call.timeoutMs)}: ${UNREACHABLE}` };
    const result = describeFailure(exchange, { timeoutMs: call.timeoutMs, mayHaveActed: false, step });
    return { ok: false, status: exchange.status, message: result.reason ?? describeStatus(exchange.status) };
  };
  const created = await request(config, call, 'POST', '/campaigns', {
    type: 'regular',
    recipients: { list_id: config.listId },
    settings: { subject_line: 'Content Broadcaster test', preview_text: 'A test from Content Broadcaster', title: 'Content Broadcaster test', from_name: config.fromName, reply_to: config.replyTo },
  });
  if (created.kind !== 'answered' || created.status !== 200) return failed(created, 'creating a test campaign');
  const campaign = campaignSchema.safeParse(parseJson(created.body));
  if (!campaign.success) return { ok: false, status: 200, message: 'Mailchimp answered without the test campaign.' };
  const path = `/campaigns/${encodeURIComponent(campaign.data.id)}`;
  try {
    const contentSet = await request(config, call, 'PUT', `${path}/content`, {
      html: '<p>This is a test from Content Broadcaster: newsletters for this audience will come from here.</p>',
    });
    if (contentSet.kind !== 'answered' || contentSet.status !== 200) return failed(contentSet, 'setting the test content');
    const sent = await request(config, call, 'POST', `${path}/actions/test`, { test_emails: [config.testEmail], send_type: 'html' });
    if (sent.kind !== 'answered' || sent.status !== 204) return failed(sent, 'sending the test email');
    return { ok: true, status: 204, message: `Mailchimp sent a test email to ${config.testEmail} from “${config.fromName}”.` };
  } finally {
    await request(config, call, 'DELETE', path);
  }
}

const reportSchema = z.object({
  opens: z.object({ unique_opens: z.number() }),
  clicks: z.object({ unique_subscriber_clicks: z.number() }),
});

export type CampaignReport = { ok: true; opens: number; clicks: number } | { ok: false; isNotSent: boolean; reason: string };

/** A campaign's unique opens and the subscribers who clicked, from its report (GET /reports/{id}); a campaign not sent yet has none. */
export async function readCampaignReport(config: MailchimpConfig, call: MailchimpCall, campaignId: string): Promise<CampaignReport> {
  const exchange = await request(config, call, 'GET', `/reports/${encodeURIComponent(campaignId)}`, undefined, { fields: 'opens.unique_opens,clicks.unique_subscriber_clicks' });
  if (exchange.kind === 'answered' && exchange.status === 404) return { ok: false, isNotSent: true, reason: 'Mailchimp has no report until the campaign is sent.' };
  if (exchange.kind !== 'answered' || exchange.status !== 200) {
    const failure = describeFailure(exchange, { timeoutMs: call.timeoutMs, mayHaveActed: false, step: 'reading the campaign report' });
    return { ok: false, isNotSent: false, reason: failure.reason ?? 'Mailchimp did not return the campaign report.' };
  }
  const report = reportSchema.safeParse(parseJson(exchange.body));
  if (!report.success) return { ok: false, isNotSent: false, reason: 'Mailchimp returned a campaign report this app cannot read.' };
  return { ok: true, opens: report.data.opens.unique_opens, clicks: report.data.clicks.unique_subscriber_clicks };
}
