import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, parseJson } from './request-body.ts';

/**
 * Mailchimp's Marketing API 3.0 on 127.0.0.1, as far as campaigns need it, answering like Mailchimp:
 * - Basic auth with any user name and the API key as the password; anything else is 401 with
 *   Mailchimp's problem-details body (`{ type, title, status, detail, instance }`).
 * - `GET /3.0/campaigns?since_create_time=&list_id=&count=`: campaigns created at or after the time.
 * - `POST /3.0/campaigns`: only `type: 'regular'` to a known audience, with subject, from name, a
 *   reply-to address and a title; 200 with the campaign (`status: 'save'`).
 * - `PUT /3.0/campaigns/{id}/content` (`html`), `POST …/actions/schedule` (`schedule_time` in the future
 *   and on a quarter hour, else 400), `POST …/actions/send`, `POST …/actions/test` (`test_emails`,
 *   `send_type`): 204; schedule and send need content and a campaign still in `save`.
 * - `DELETE /3.0/campaigns/{id}`: 204.
 * Faults: `failNext` answers a status (429 with Retry-After) and changes nothing; `hangNext` does the
 * work and never answers, like a timeout after receipt.
 */
export type FakeCampaign = {
  id: string;
  web_id: number;
  type: string;
  status: 'save' | 'schedule' | 'sending' | 'sent';
  create_time: string;
  recipients: { list_id: string };
  settings: { subject_line: string; preview_text: string; title: string; from_name: string; reply_to: string };
  html: string | null;
  schedule_time: string | null;
};

export type FakeMailchimpRequest = { method: string; path: string; query: Record<string, string>; headers: IncomingHttpHeaders; body: unknown; status: number | 'hang' };
type RequestFilter = { method?: string; path?: RegExp };

export type FakeMailchimp = {
  /** The base URL for MAILCHIMP_API_URL (without /3.0). */
  url: string;
  campaigns: FakeCampaign[];
  /** Test emails sent: campaign id and addresses. */
  tests: { campaignId: string; emails: string[] }[];
  deleted: string[];
  requests: FakeMailchimpRequest[];
  /** Sets a sent campaign's report (unique opens and subscribers who clicked), served at /3.0/reports/{id}. */
  setReport(campaignId: string, counts: { opens: number; clicks: number }): void;
  failNext(status: number, times?: number, filter?: RequestFilter): void;
  hangNext(times?: number, filter?: RequestFilter): void;
  close(): Promise<void>;
};

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

function problem(status: number, title: string, detail: string): Answer {
  return {
    status,
    body: { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: '00000000-0000-0000-0000-000000000000' },
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export async function startFakeMailchimp({ apiKey, listIds, now = () => new Date() }: { apiKey: string; listIds: string[]; now?: () => Date }): Promise<FakeMailchimp> {
  const campaigns: FakeCampaign[] = [];
  const tests: { campaignId: string; emails: string[] }[] = [];
  const deleted: string[] = [];
  const reports = new Map<string, { opens: number; clicks: number }>();
  const requests: FakeMailchimpRequest[] = [];
  const faults: { status: number | 'hang'; filter: RequestFilter }[] = [];
  let nextWebId = 5000;

  const isAuthorized = (header: string | undefined) => {
    if (header === undefined || !header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon > 0 && decoded.slice(colon + 1) === apiKey;
  };

  function createCampaign(body: unknown): Answer {
    if (!isObject(body)) return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.');
    if (body.type !== 'regular') return problem(400, 'Invalid Resource', 'This fake accepts only regular campaigns.');
    const recipients = isObject(body.recipients) ? body.recipients : {};
    if (!nonEmpty(recipients.list_id) || !listIds.includes(recipients.list_id)) return problem(400, 'Invalid Resource', 'Invalid List ID.');
    const settings = isObject(body.settings) ? body.settings : {};
    for (const field of ['subject_line', 'title', 'from_name', 'reply_to'] as const) {
      if (!nonEmpty(settings[field])) return problem(400, 'Invalid Resource', `settings.${field} is required.`);
    }
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(settings.reply_to))) return problem(400, 'Invalid Resource', 'settings.reply_to must be an email address.');
    if (String(settings.subject_line).length > 150) return problem(400, 'Invalid Resource', 'The subject line is too long.');
    nextWebId += 1;
    const campaign: FakeCampaign = {
      id: `c${nextWebId.toString(16)}`,
      web_id: nextWebId,
      type: 'regular',
      status: 'save',
      create_time: now().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      recipients: { list_id: recipients.list_id },
      settings: {
        subject_line: String(settings.subject_line),
        preview_text: typeof settings.preview_text === 'string' ? settings.preview_text : '',
        title: String(settings.title),
        from_name: String(settings.from_name),
        reply_to: String(settings.reply_to),
      },
      html: null,
      schedule_time: null,
    };
    campaigns.push(campaign);
    return { status: 200, body: { ...campaignJson(campaign) } };
  }

  function campaignJson(campaign: FakeCampaign) {
    const { html: _html, ...rest } = campaign;
    return { ...rest, archive_url: `http://eepurl.com/fake${campaign.web_id}`, long_archive_url: `https://us21.campaign-archive.com/?id=${campaign.id}` };
  }

  function campaignAction(campaign: FakeCampaign, action: string, body: unknown): Answer {
    if (action === 'test') {
      const emails = isObject(body) && Array.isArray(body.test_emails) ? body.test_emails.filter(nonEmpty) : [];
      if (emails.length === 0 || !isObject(body) || (body.send_type !== 'html' && body.send_type !== 'plaintext')) {
        return problem(400, 'Invalid Resource', 'test_emails and send_type are required.');
      }
      if (campaign.html === null) return problem(400, 'Bad Request', 'Your Campaign is not ready to send.');
      tests.push({ campaignId: campaign.id, emails });
      return { status: 204 };
    }
    if (campaign.status !== 'save') return problem(400, 'Bad Request', `This campaign is already ${campaign.status === 'schedule' ? 'scheduled' : 'sent'}.`);
    if (campaign.html === null) return problem(400, 'Bad Request', 'Your Campaign is not ready to send.');
    if (action === 'send') {
      campaign.status = 'sent';
      return { status: 204 };
    }
    if (action === 'schedule') {
      const at = isObject(body) && typeof body.schedule_time === 'string' ? new Date(body.schedule_time) : new Date(Number.NaN);
      if (Number.isNaN(at.getTime())) return problem(400, 'Invalid Resource', 'schedule_time is required.');
      if (at.getUTCMinutes() % 15 !== 0 || at.getUTCSeconds() !== 0 || at.getUTCMilliseconds() !== 0) {
        return problem(400, 'Invalid Resource', 'Schedule time must be on the quarter-hour (:00, :15, :30, :45).');
      }
      if (at.getTime() <= now().getTime()) return problem(400, 'Invalid Resource', 'Schedule time must be in the future.');
      campaign.status = 'schedule';
      campaign.schedule_time = at.toISOString().replace(/\.\d{3}Z$/, '+00:00');
      return { status: 204 };
    }
    return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
  }

  function route(method: string, path: string, query: Record<string, string>, body: unknown): Answer {
    if (path === '/3.0/ping' && method === 'GET') return { status: 200, body: { health_status: "Everything's Chimpy!" } };
    if (path === '/3.0/campaigns' && method === 'GET') {
      const since = query.since_create_time ? new Date(query.since_create_time).getTime() : 0;
      const count = Math.min(1000, Number(query.count ?? 10) || 10);
      const found = campaigns
        .filter((campaign) => new Date(campaign.create_time).getTime() >= since - 999 && (!query.list_id || campaign.recipients.list_id === query.list_id))
        .sort((a, b) => b.create_time.localeCompare(a.create_time));
      return { status: 200, body: { campaigns: found.slice(0, count).map(campaignJson), total_items: found.length } };
    }
    if (path === '/3.0/campaigns' && method === 'POST') return createCampaign(body);
    const report = /^\/3\.0\/reports\/([^/]+)$/.exec(path);
    if (report && method === 'GET') {
      const reported = campaigns.find((candidate) => candidate.id === report[1]);
      // Mailchimp has a report only for a campaign that went out.
      if (!reported || (reported.status !== 'sent' && reported.status !== 'sending')) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
      const counts = reports.get(reported.id) ?? { opens: 0, clicks: 0 };
      return {
        status: 200,
        body: {
          id: reported.id,
          campaign_title: reported.settings.title,
          list_id: reported.recipients.list_id,
          emails_sent: 100,
          opens: { opens_total: counts.opens * 2, unique_opens: counts.opens, open_rate: counts.opens / 100 },
          clicks: { clicks_total: counts.clicks * 3, unique_clicks: counts.clicks * 2, unique_subscriber_clicks: counts.clicks, click_rate: counts.clicks / 100 },
        },
      };
    }
    const match = /^\/3\.0\/campaigns\/([^/]+)(\/content|\/actions\/(schedule|send|test))?$/.exec(path);
    const campaign = match ? campaigns.find((candidate) => candidate.id === match[1]) : undefined;
    if (!match || !campaign) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
    if (match[2] === undefined && method === 'DELETE') {
      campaigns.splice(campaigns.indexOf(campaign), 1);
      deleted.push(campaign.id);
      return { status: 204 };
    }
    if (match[2] === '/content' && method === 'PUT') {
      if (!isObject(body) || !nonEmpty(body.html)) return problem(400, 'Invalid Resource', 'html is required.');
      campaign.html = body.html;
      return { status: 200, body: { html: campaign.html, plain_text: campaign.html.replace(/<[^>]*>/g, '') } };
    }
    if (match[3] !== undefined && method === 'POST') return campaignAction(campaign, match[3], body);
    return problem(405, 'Method Not Allowed', 'The requested method and resource are not compatible.');
  }

  function takeFault(method: string, path: string): number | 'hang' | undefined {
    const index = faults.findIndex(({ filter }) => (filter.method === undefined || filter.method === method) && (filter.path === undefined || filter.path.test(path)));
    return index === -1 ? undefined : faults.splice(index, 1)[0]?.status;
  }

  function send(res: ServerResponse, answer: Answer) {
    if (answer.body === undefined) {
      res.writeHead(answer.status, answer.headers ?? {});
      return res.end();
    }
    res.writeHead(answer.status, { 'content-type': answer.status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const method = req.method ?? 'GET';
        const query = Object.fromEntries(url.searchParams);
        const body = parseJson(raw);
        const record = (status: number | 'hang') => requests.push({ method, path: url.pathname, query, headers: req.headers, body, status });
        if (!isAuthorized(req.headers.authorization)) {
          record(401);
          return send(res, problem(401, 'API Key Invalid', 'Your API key may be invalid, or you\'ve attempted to access the wrong datacenter.'));
        }
        const fault = takeFault(method, url.pathname);
        if (typeof fault === 'number') {
          record(fault);
          const answer = fault === 429 ? { ...problem(429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.'), headers: { 'retry-after': '3' } } : problem(fault, 'Internal Server Error', 'Fake failure.');
          return send(res, answer);
        }
        const answer = route(method, url.pathname, query, body);
        record(fault === 'hang' ? 'hang' : answer.status);
        if (fault !== 'hang') send(res, answer);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, problem(500, 'Fake Error', String(error)));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    campaigns,
    tests,
    deleted,
    setReport: (campaignId, counts) => void reports.set(campaignId, counts),
    requests,
    failNext(status, times = 1, filter = {}) {
      for (let i = 0; i < times; i += 1) faults.push({ status, filter });
    },
    hangNext(times = 1, filter = {}) {
      for (let i = 0; i < times; i += 1) faults.push({ status: 'hang', filter });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
