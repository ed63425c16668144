import type { FakeFirecrawl } from './fake-firecrawl.ts';
import type { FakeOpenAI, FakeOpenAIReply, FakeOpenAIRequest } from './fake-openai.ts';

/**
 * A deterministic "model" for the fake OpenAI: it answers each pipeline call by its structured
 * output name, with texts whose Yoast scores are known. Tests can override any answer per call.
 */
export const KEYPHRASE = 'remote onboarding';

const INTRO_GOOD = `Remote onboarding decides whether a new hire feels part of the team or alone at a laptop. Small teams can make it work with a clear plan and a few habits [1]. Teams with a written plan keep 82% of new hires after a year [1].`;

const BODY = `
## Why remote onboarding needs a plan

New people cannot overhear answers or tap a shoulder. They need a written plan that tells them what to do in the first week, who to ask and what good work looks like. A plan also helps the manager. It turns a vague welcome into a list of small steps.

Start the plan before day one. Send the laptop early. Share the handbook and a short reading list. Make sure every account works before the first morning.

## The first week of remote onboarding

Give the new hire a buddy. The buddy answers small questions and explains how the team works. Book short daily check-ins for the first week. Keep them light and friendly.

Pick a first task that ships in a few days. An early win builds trust. It also shows the new hire how work moves from idea to release.

### A simple new hire checklist

Use a new hire checklist so nothing is missed. List the tools, the people to meet and the documents to read. Tick items off together at the end of each day.

## Keep remote onboarding going after week one

Onboarding does not end after five days. Plan a thirty-day review and a sixty-day review. Ask what was confusing and what helped. Write the answers down and improve the plan.

Invite the new hire to team rituals from the start. Demos, retros and social calls help people feel they belong. Rotate the buddy role so the whole team shares the work.

### Measure what matters

Track a few simple signals. How long did it take to ship the first change? How many people did the new hire meet? Did they feel ready to work alone?

Finally, update the plan after every hire. Small fixes add up. Over a year, your remote onboarding becomes a real advantage that helps people do their best work from anywhere.
`;

const GOOD_META = 'Remote onboarding works when new hires get a clear plan, a buddy and early wins. Here is a simple guide your small team can follow this month.';
const WEAK_META = 'New people settle in faster with a clear plan, a buddy and early wins. This guide shows a small team how to welcome them well.';

function withoutKeyphrase(markdown: string): string {
  return markdown.replaceAll('remote onboarding', 'welcoming').replaceAll('Remote onboarding', 'Welcoming');
}

/** Scores about 70 for "remote onboarding": below the default threshold of 75. */
export const WEAK_DRAFT = {
  title: 'Welcome new people well',
  slug: 'welcome-guide',
  metaDescription: WEAK_META,
  markdown: withoutKeyphrase(`${INTRO_GOOD}\n${BODY}`),
};

/** Scores about 62: worse than the weak draft. */
export const WORSE_DRAFT = {
  ...WEAK_DRAFT,
  title: 'Notes',
  markdown: withoutKeyphrase(`${INTRO_GOOD}\n${BODY}`).replaceAll('##', '').replaceAll('welcoming', 'it'),
};

/** Scores about 98. */
export const GOOD_DRAFT = {
  title: 'Remote onboarding: a practical guide for small teams',
  slug: 'remote-onboarding-guide',
  metaDescription: GOOD_META,
  markdown: `${INTRO_GOOD}\n${BODY}`,
};

/**
 * Scores about 93 for SEO but 30 for readability: the good draft's sentences joined into long ones,
 * its paragraphs into one, without subheadings.
 */
export const HARD_TO_READ_DRAFT = {
  ...GOOD_DRAFT,
  markdown: `${INTRO_GOOD}\n${BODY}`
    .split('\n\n')
    .filter((block) => !block.trim().startsWith('#'))
    .map((block) => block.trim().replace(/\. (?=[A-Z])/g, ', and then ').replace(/\? (?=[A-Z])/g, ', and '))
    .join(' '),
};

export const VARIANTS: Record<string, unknown> = {
  variant_linkedin: {
    text: 'Remote onboarding is where small teams win or lose new hires.\n\nA clear plan, a buddy and an early win make the first week work.\n\nGet the checklist: {{post_url}}',
  },
  variant_x_thread: {
    posts: [
      'Remote onboarding in small teams: a thread 🧵',
      'Send the laptop early and book daily check-ins in week one.',
      'Give every new hire a buddy and a task that ships in days.',
      'The full checklist: {{post_url}}',
    ],
  },
  variant_newsletter: {
    subject: 'Remote onboarding that works',
    preview: 'A plan, a buddy and an early win.',
    body: 'This week: how small teams make remote onboarding work, step by step.\n\n[Read the full guide]({{post_url}})',
  },
  variant_slack_announcement: { text: '*New post:* Remote onboarding, a practical guide for small teams.\n<{{post_url}}|Read it>' },
};

export function schemaNameOf(request: FakeOpenAIRequest): string {
  const format = request.body['response_format'] as { json_schema?: { name?: string } } | undefined;
  return format?.json_schema?.name ?? '';
}

export function promptText(request: FakeOpenAIRequest): string {
  return (request.body.messages ?? []).map((message) => message.content).join('\n');
}

/**
 * The research answer for the pages in the prompt: two evidence items quoted from the first page
 * (one with its whitespace and dashes changed, as models do) and one misquoted, which code drops.
 */
export function researchAnswer(prompt: string) {
  const sources = [...prompt.matchAll(/<untrusted_source id="(\d+)" url="([^"]+)"/g)].map((match) => ({ id: Number(match[1]), url: match[2] ?? '' }));
  const first = sources[0]?.id ?? 1;
  return {
    competitors: sources.map((source, index) => ({ url: source.url, title: `Competitor ${index + 1}`, angle: 'A checklist for managers', headings: ['Before day one', 'Week one'] })),
    intent: 'informational',
    format: 'guide',
    terms: ['new hire checklist', 'buddy', 'laptop'],
    evidence: [
      { sourceId: first, quote: 'Teams with a written plan keep 82% of new hires after a year.', kind: 'statistic', note: 'retention' },
      { sourceId: first, quote: 'Pair every new hire with a buddy -  it halves the questions.', kind: 'claim', note: 'buddies' },
      { sourceId: first, quote: 'Teams with a plan keep 90% of new hires.', kind: 'statistic', note: 'misquoted' },
    ],
    gaps: ['Nobody covers the sixty-day review'],
    questions: ['How long should remote onboarding take?'],
  };
}

/** What the draft call returns beside the post, for the approver. */
export const DRAFT_TAKEAWAY = 'Small teams keep new hires when onboarding is written down. A buddy, daily check-ins and a first task that ships make week one work.';

export type Script = {
  /** Drafts returned by the draft call, then by each revision call, in order; the last repeats. */
  drafts?: object[];
  override?: (request: FakeOpenAIRequest, name: string) => FakeOpenAIReply | undefined;
};

/** Plays the model for every pipeline call. */
export function scriptAuthor(openai: FakeOpenAI, { drafts = [WEAK_DRAFT, WORSE_DRAFT, GOOD_DRAFT], override }: Script = {}): void {
  let draftIndex = 0;
  const usage = { prompt_tokens: 1000, completion_tokens: 200 };
  openai.onRequest((request) => {
    const name = schemaNameOf(request);
    const overridden = override?.(request, name);
    if (overridden) return overridden;
    if (name === 'research') return { json: researchAnswer(promptText(request)), usage };
    if (name === 'outline') return { json: { headings: ['## Why remote onboarding needs a plan', '## The first week'] }, usage };
    if (name === 'draft' || name === 'revision') {
      const draft = drafts[Math.min(draftIndex, drafts.length - 1)];
      draftIndex += 1;
      // The draft call returns a takeaway beside the post; revision calls do not.
      return { json: name === 'draft' ? { takeaway: DRAFT_TAKEAWAY, ...draft } : draft, usage };
    }
    const variant = VARIANTS[name];
    if (variant) return { json: variant, usage };
    return { status: 400, body: { error: { message: `unscripted call ${name}` } } };
  });
}

export const COMPETITOR_PAGE = `# Remote onboarding checklist\n\n## Before day one\n\nRemote onboarding starts before the first day. Ship the laptop. Teams with a written plan keep **82%** of new hires after a year.\n\n## Week one\n\nPair every new hire with a buddy — it halves the\nquestions.`;

/** Three search results: two pages that scrape and one that fails. */
export function seedCompetitors(firecrawl: FakeFirecrawl): void {
  firecrawl.searchResults = () => [
    { url: 'https://alpha.example.com/remote-onboarding', title: 'Alpha guide', description: 'A guide' },
    { url: 'https://beta.example.com/onboarding', title: 'Beta checklist', description: 'A checklist' },
    { url: 'https://broken.example.com/page', title: 'Broken', description: 'Fails' },
  ];
  firecrawl.pages.set('https://alpha.example.com/remote-onboarding', COMPETITOR_PAGE);
  firecrawl.pages.set('https://beta.example.com/onboarding', COMPETITOR_PAGE.replace('Alpha', 'Beta'));
  firecrawl.pages.set('https://broken.example.com/page', { apiStatus: 500 });
}
