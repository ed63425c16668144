import type { KnownBlock } from '@slack/types';
import { describe, expect, test } from 'vitest';
import { buildDecisionLogReply } from '../../../src/bot/blocks/replies/decision-log.ts';
import { buildDraftReply } from '../../../src/bot/blocks/replies/draft.ts';
import type { ThreadReply } from '../../../src/bot/blocks/replies/layout.ts';
import { buildResearchReply } from '../../../src/bot/blocks/replies/research.ts';
import { buildSeoReply } from '../../../src/bot/blocks/replies/seo.ts';
import { buildVariantReply } from '../../../src/bot/blocks/replies/variant.ts';
import { isAppError } from '../../../src/errors.ts';
import { validateVariant } from '../../../src/domain/channels.ts';
import type { ContentAnalysis, ContentCheck } from '../../../src/orchestrator/seo/analyze.ts';
import type { Draft, Research, ResearchSource } from '../../../src/orchestrator/types.ts';
import { findBlockKitViolations, isMessageBlocksTooLong } from '../../support/block-kit-limits.ts';

/** What Slack would refuse, and the fallback text every reply needs. */
function expectPostable(reply: ThreadReply): void {
  expect(findBlockKitViolations(reply.blocks, 'message')).toEqual([]);
  expect(isMessageBlocksTooLong(reply.blocks)).toBe(false);
  expect(reply.text.trim()).not.toBe('');
}

type TextObject = { type: string; text: string };

function textOf(block: KnownBlock): string {
  if (block.type === 'section') return (block.text as TextObject | undefined)?.text ?? '';
  if (block.type === 'context') return block.elements.map((element) => ('text' in element ? element.text : '')).join(' ');
  if (block.type === 'markdown') return block.text;
  return '';
}

const allText = (reply: ThreadReply) => reply.blocks.map(textOf).join('\n');
const blocksOfType = (reply: ThreadReply, type: string) => reply.blocks.filter((block) => block.type === type);
const plainSections = (reply: ThreadReply) =>
  reply.blocks.flatMap((block) =>
    block.type === 'section' && (block.text as TextObject | undefined)?.type === 'plain_text' ? [(block.text as TextObject).text] : [],
  );

const repeat = (sentence: string, length: number) => sentence.repeat(Math.ceil(length / sentence.length)).slice(0, length);

function makeSources(count: number, { longUrls = false } = {}): ResearchSource[] {
  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    url: `https://site${index + 1}.example.com/blog/${longUrls ? 'a-very-long-path-segment/'.repeat(12) : ''}post-${index + 1}?ref=a&utm=b`,
    title: `Source ${index + 1}: remote work guide`,
  }));
}

const GROUNDING = { intent: 'informational' as const, format: 'guide' as const, medianWordCount: 1050, evidence: [], quotes: { kept: 0, dropped: 0 } };

const research: Research = {
  ...GROUNDING,
  competitors: [
    {
      url: 'https://acme.example.com/hybrid',
      title: 'Hybrid work <best> practices & tips',
      angle: 'A checklist for ops leads',
      headings: ['Why', 'How', 'Checklist'],
      wordCount: 1240,
    },
    { url: 'https://beta.example.com/guide', title: 'The hybrid guide', angle: '', headings: ['One'], wordCount: 860 },
  ],
  keywords: [
    { term: 'hybrid work', frequency: 42, competitorCount: 2 },
    { term: 'async', frequency: 7, competitorCount: 1 },
  ],
  gaps: ['Nobody covers budgets for co-working days'],
  questions: ['How many office days should a small team have?'],
  sources: [
    { id: 1, url: 'https://acme.example.com/hybrid', title: 'Acme: hybrid work' },
    { id: 2, url: 'https://beta.example.com/guide?a=1&b=2', title: 'Beta guide' },
  ],
  evidence: [{ id: 'E1', sourceId: 1, quote: 'Hybrid teams *meet* less.', kind: 'claim', note: '' }],
  quotes: { kept: 1, dropped: 2 },
};

describe('buildResearchReply', () => {
  test('shows competitors, a keyword table, gaps, questions, numbered sources and failed pages', () => {
    const reply = buildResearchReply({ research, skippedReason: null, failures: [{ url: 'https://gone.example.com/x', reason: 'HTTP 404' }] });
    expectPostable(reply);
    const text = allText(reply);
    expect(text).toContain(
      '*🔎 Research* · 2 sources · 1 quote · 2 competitors · 2 keywords\nIntent: informational · format that ranks: guide · median length 1,050 words · 2 quotes dropped (not verbatim in its page)',
    );
    expect(text).toContain("[1] <https://acme.example.com/hybrid|Acme: hybrid work>\n> “Hybrid teams *meet* less.”");
    expect(text).toContain(
      '*1.* <https://acme.example.com/hybrid|Hybrid work &lt;best&gt; practices &amp; tips> · 1,240 words · 3 headings\n_Angle:_ A checklist for ops leads',
    );
    expect(text).toContain('*2.* <https://beta.example.com/guide|The hybrid guide> · 860 words · 1 heading');
    expect(text).toContain('• Nobody covers budgets for co-working days');
    expect(text).toContain('• How many office days should a small team have?');
    expect(text).toContain('[1] <https://acme.example.com/hybrid|Acme: hybrid work>');
    expect(text).toContain('[2] <https://beta.example.com/guide?a=1&amp;b=2|Beta guide>');
    expect(text).toContain("⚠️ Couldn't read 1 page:\n• <https://gone.example.com/x|gone.example.com/x>: HTTP 404");
    expect(reply.text).toBe('Research: 2 sources, 1 quote, 2 competitors, 2 keywords, 1 gap, 1 reader question');
  });

  test('aligns the keyword table in a code block', () => {
    const reply = buildResearchReply({ research, skippedReason: null, failures: [] });
    const table = reply.blocks.map(textOf).find((text) => text.startsWith('*Keywords*')) ?? '';
    const rows = /```\n([\s\S]*)\n```/.exec(table)?.[1]?.split('\n') ?? [];
    expect(rows).toEqual(['Keyword      Frequency  Competitors', 'hybrid work         42  2 of 2', 'async                7  1 of 2']);
  });

  test('a skipped research is one line with the reason', () => {
    const reply = buildResearchReply({ research: null, skippedReason: 'The author chose to skip research.', failures: [] });
    expectPostable(reply);
    expect(reply.blocks).toHaveLength(1);
    expect(textOf(reply.blocks[0]!)).toBe('➖ *Research skipped:* The author chose to skip research.');
  });

  test('cuts oversized research to fit one message and says what it left out', () => {
    const long: Research = {
      ...GROUNDING,
      competitors: Array.from({ length: 40 }, (_, index) => ({
        url: `https://c${index}.example.com/${'deep/'.repeat(40)}`,
        title: repeat('A very long competitor title ', 400),
        angle: repeat('An angle that goes on and on ', 900),
        headings: Array.from({ length: 30 }, (_, h) => `H${h}`),
        wordCount: 5000 + index,
      })),
      keywords: Array.from({ length: 300 }, (_, index) => ({ term: `keyword number ${index} ${'x'.repeat(50)}`, frequency: index * 3, competitorCount: index % 40 })),
      gaps: Array.from({ length: 100 }, (_, index) => `Gap ${index}: ${repeat('missing "detail" & more ', 600)}`),
      questions: Array.from({ length: 100 }, (_, index) => `Question ${index}? ${repeat('why <so> ', 500)}`),
      sources: makeSources(80, { longUrls: true }),
    };
    const failures = Array.from({ length: 30 }, (_, index) => ({ url: `https://f${index}.example.com/${'p/'.repeat(100)}`, reason: repeat('timeout ', 400) }));
    const reply = buildResearchReply({ research: long, skippedReason: null, failures });
    expectPostable(reply);
    const text = allText(reply);
    expect(text).toMatch(/…and \d+ more competitors/);
    expect(text).toMatch(/…and \d+ more keywords/);
    expect(text).toMatch(/…and \d+ more gaps/);
    expect(text).toMatch(/…and \d+ more questions/);
    expect(text).toMatch(/…and \d+ more sources/);
    // Every list still shows something.
    expect(text).toContain('*1.* <https://c0.example.com/');
    expect(text).toContain('[1] <https://site1.example.com/');
    expect(text).toContain('• Gap 0:');
  });
});

const meta142 = `${repeat('Hybrid work for small teams: a practical playbook with policies, rituals and tools that keep everyone aligned. ', 141)}.`;

function makeDraft(markdown: string): Draft {
  return { title: 'Hybrid work playbook for small teams', slug: 'hybrid-work-playbook', metaDescription: meta142, markdown };
}

function makePost(length: number): string {
  const paragraph = 'Hybrid work needs clear rules & shared <rituals>. Teams that write things down cite sources [1]. ';
  const sections: string[] = ['# Hybrid work playbook for small teams'];
  let index = 0;
  while (sections.join('\n\n').length < length) {
    sections.push(index % 4 === 0 ? `## Part ${index}` : repeat(paragraph, 400));
    index += 1;
  }
  return sections.join('\n\n').slice(0, length).trimEnd();
}

describe('buildDraftReply', () => {
  test('puts a post that fits in a markdown block, unescaped, with the meta description length and sources', () => {
    const markdown = makePost(6000);
    const reply = buildDraftReply({ draft: makeDraft(markdown), wordCount: 1240, sources: makeSources(3), version: 'Revision 2' });
    expectPostable(reply);
    expect(reply.kind).toBe('message');
    const text = allText(reply);
    expect(text).toContain('*📄 Hybrid work playbook for small teams*');
    expect(text).toContain('Slug `hybrid-work-playbook` · 1,240 words · Revision 2');
    expect(text).toContain(`*Meta description* · 142 characters\n${meta142}`);
    const markdownBlocks = blocksOfType(reply, 'markdown');
    expect(markdownBlocks.map(textOf)).toEqual([markdown]);
    expect(markdown).toContain('& shared <rituals>');
    const last = reply.blocks.at(-1)!;
    expect(textOf(last)).toBe(
      [
        '*Sources*',
        '[1] <https://site1.example.com/blog/post-1?ref=a&amp;utm=b|Source 1: remote work guide>',
        '[2] <https://site2.example.com/blog/post-2?ref=a&amp;utm=b|Source 2: remote work guide>',
        '[3] <https://site3.example.com/blog/post-3?ref=a&amp;utm=b|Source 3: remote work guide>',
      ].join('\n'),
    );
    expect(reply.text).toBe('Draft: Hybrid work playbook for small teams · 1,240 words');
  });

  test("shows where the draft's links lead, except its citations of the sources", () => {
    const sources = makeSources(1);
    const markdown = [
      `Remote teams ship more [1](${sources[0]!.url}).`,
      '[Read more](http://evil) and [docs.example.com guide](https://docs.example.com/x) and [call us](tel:+15550100).',
      '![chart](https://cdn.example.com/chart.png)',
    ].join('\n\n');
    const reply = buildDraftReply({ draft: makeDraft(markdown), wordCount: 20, sources });
    expect(blocksOfType(reply, 'markdown').map(textOf)).toEqual([
      [
        `Remote teams ship more [1](${sources[0]!.url}).`,
        '[Read more (evil)](http://evil) and [docs.example.com guide](https://docs.example.com/x) and call us (tel:+15550100).',
        '![chart](https://cdn.example.com/chart.png)',
      ].join('\n\n'),
    ]);
  });

  test('turns a 20,000-character draft into a Markdown file with its sources', () => {
    const markdown = makePost(20_000);
    const sources = makeSources(5);
    const reply = buildDraftReply({ draft: makeDraft(markdown), wordCount: 3300, sources });
    expectPostable(reply);
    if (reply.kind !== 'file') throw new Error('expected a file');
    expect(reply.file.filename).toBe('hybrid-work-playbook.md');
    expect(reply.file.content).toContain(markdown);
    expect(reply.file.content.startsWith('---\ntitle: "Hybrid work playbook for small teams"\nslug: "hybrid-work-playbook"\n')).toBe(true);
    expect(reply.file.content).toContain('## Sources\n\n- \\[1\\] [Source 1: remote work guide](<https://site1.example.com/blog/post-1?ref=a&utm=b>)');
    expect(reply.file.content).toContain('- \\[5\\] [Source 5: remote work guide]');
    const text = allText(reply);
    expect(text).toContain(`The full draft (${markdown.length.toLocaleString('en-US')} characters) is attached as \`hybrid-work-playbook.md\``);
    const [opening] = blocksOfType(reply, 'markdown').map(textOf);
    expect(opening?.length).toBeLessThan(2000);
    expect(opening?.endsWith('\n\n…')).toBe(true);
    expect(markdown.startsWith(opening!.slice(0, -3))).toBe(true);
    expect(text).toContain('[5] <https://site5.example.com/');
    expect(reply.text).toContain('attached as hybrid-work-playbook.md');
  });

  test('counts the payload, not just the characters: a post full of quotes and line breaks goes to a file', () => {
    // 8,000 characters, but JSON escapes make it weigh about 16,000.
    const markdown = repeat('"q"\n', 8000);
    const reply = buildDraftReply({ draft: makeDraft(markdown), wordCount: 2000, sources: [] });
    expectPostable(reply);
    expect(reply.kind).toBe('file');
  });

  test('stays within the limits at every size, and keeps every post that fits whole', () => {
    for (let length = 1000; length <= 24_000; length += 1000) {
      const markdown = makePost(length);
      const reply = buildDraftReply({ draft: makeDraft(markdown), wordCount: length / 6, sources: makeSources(12, { longUrls: true }) });
      expectPostable(reply);
      if (reply.kind === 'message') expect(blocksOfType(reply, 'markdown').map(textOf)).toEqual([markdown]);
      else expect(reply.file.content).toContain(markdown);
    }
  });

  test('makes a safe file name from an odd slug', () => {
    const reply = buildDraftReply({ draft: { ...makeDraft(makePost(20_000)), slug: '../Hybrid Work!' }, wordCount: 3000, sources: [] });
    expect(reply.kind === 'file' && reply.file.filename).toBe('hybrid-work.md');
  });
});

function check(kind: ContentCheck['kind'], rating: ContentCheck['rating'], id: string, text: string): ContentCheck {
  return { id, kind, rating, score: rating === 'good' ? 9 : rating === 'ok' ? 6 : 3, text };
}

const analysis: ContentAnalysis = {
  seoScore: 62,
  readabilityScore: 60,
  wordCount: 1240,
  checks: [
    check('seo', 'good', 'keyphraseLength', 'Keyphrase length: Good job!'),
    check('seo', 'bad', 'introductionKeyword', 'Keyphrase in introduction: Your keyphrase or its synonyms do not appear in the first paragraph.'),
    check('seo', 'ok', 'metaDescriptionLength', 'Meta description length: The meta description is too short (under 120 characters).'),
    check('readability', 'bad', 'passiveVoice', 'Passive voice: 100% of the sentences contain passive voice, which is more than the recommended maximum of 10%.'),
    check('readability', 'good', 'textTransitionWords', 'Transition words: Well done!'),
  ],
};

describe('buildSeoReply', () => {
  test('shows both scores against the target, only the failing and improvable checks with the passing ones counted, and the SEO passes', () => {
    const reply = buildSeoReply({
      analysis,
      threshold: 75,
      refinements: [
        { iteration: 2, scoreBefore: 55, scoreAfter: 62, instructions: ['Use the keyphrase in the first paragraph.'] },
        {
          iteration: 1,
          scoreBefore: 48,
          scoreAfter: 55,
          instructions: ['Shorten sentences.', 'Add a <h2> with the keyphrase.', 'Cut passive voice.', 'Add links.', repeat('Long instruction ', 500)],
        },
      ],
    });
    expectPostable(reply);
    const text = allText(reply);
    expect(text).toContain('❌ SEO *62* · below the target of 75');
    expect(text).toContain('⚠️ Readability *60* · 1,240 words');
    expect(text).toContain(
      [
        '*SEO checks* · 1 problem · 1 improvement · 1 good result',
        '❌ *Keyphrase in introduction:* Your keyphrase or its synonyms do not appear in the first paragraph.',
        '⚠️ *Meta description length:* The meta description is too short (under 120 characters).',
        '✅ 1 check passes',
      ].join('\n'),
    );
    expect(text).not.toContain('Keyphrase length');
    expect(text).toContain('*Readability checks* · 1 problem · 1 good result\n❌ *Passive voice:* 100% of the sentences');
    expect(text).toContain(
      [
        '*Pass 1* · SEO 48 → 55 (+7)',
        '• Shorten sentences.',
        '• Add a &lt;h2&gt; with the keyphrase.',
        '• Cut passive voice.',
        '• …and 2 more instructions',
        '*Pass 2* · SEO 55 → 62 (+7)',
        '• Use the keyphrase in the first paragraph.',
      ].join('\n'),
    );
    expect(reply.text).toBe('SEO report: SEO 62 (target 75), readability 60, 2 SEO passes');
  });

  test('says when no SEO pass was needed', () => {
    const reply = buildSeoReply({ analysis: { ...analysis, seoScore: 84, readabilityScore: 90 }, threshold: 75, refinements: [] });
    expectPostable(reply);
    const text = allText(reply);
    expect(text).toContain('✅ SEO *84* · meets the target of 75');
    expect(text).toContain('✅ Readability *90*');
    expect(text).toContain('None needed: the first draft met the target of 75.');
  });

  test('fits a huge report in one message', () => {
    const checks = Array.from({ length: 120 }, (_, index) =>
      check(index % 2 === 0 ? 'seo' : 'readability', index % 3 === 0 ? 'bad' : 'good', `c${index}`, `Check ${index}: ${repeat('needs <work> & care ', 900)}`),
    );
    const refinements = Array.from({ length: 40 }, (_, index) => ({
      iteration: index + 1,
      scoreBefore: index,
      scoreAfter: index + 1,
      instructions: Array.from({ length: 10 }, () => repeat('Rewrite the "intro" ', 1200)),
    }));
    const reply = buildSeoReply({ analysis: { ...analysis, checks }, threshold: 75, refinements });
    expectPostable(reply);
    const text = allText(reply);
    expect(text).toMatch(/…and \d+ more checks/);
    expect(text).toMatch(/…and \d+ later passes/);
    expect(text).toContain('*Pass 1* · SEO 0 → 1 (+1)');
    expect(text).not.toMatch(/revision/i);
  });
});

describe('buildVariantReply', () => {
  function variantReply(channel: Parameters<typeof buildVariantReply>[0]['channel'], content: unknown) {
    const violations = validateVariant(channel, content as never);
    return { reply: buildVariantReply({ channel, content, violations }), violations };
  }

  test('shows a LinkedIn post exactly, with its length against the limit', () => {
    const text = `Hybrid work is a *habit*, not a policy.\n\n${repeat('We wrote down our rules & <rituals>. ', 1371)}`;
    const { reply } = variantReply('linkedin', { text });
    expectPostable(reply);
    expect(textOf(reply.blocks[0]!)).toBe('✅ *LinkedIn · 1,412 / 3,000*');
    expect(plainSections(reply)).toEqual([text]);
    expect(reply.text).toBe('LinkedIn · 1,412 / 3,000');
  });

  test('splits a 3,000-character LinkedIn post full of emoji across sections without losing a character', () => {
    const paragraphs = Array.from({ length: 20 }, (_, index) => `${index} ${'go 🚀 '.repeat(40)}`.trim());
    const text = [...paragraphs.join('\n\n')].slice(0, 3000).join('');
    expect(text.length).toBeGreaterThan(3000);
    const { reply } = variantReply('linkedin', { text });
    expectPostable(reply);
    expect(textOf(reply.blocks[0]!)).toBe('✅ *LinkedIn · 3,000 / 3,000*');
    const pieces = plainSections(reply);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('\n\n')).toBe(text);
  });

  test('lists the rules a variant breaks', () => {
    const { reply } = variantReply('linkedin', { text: repeat('Too long and no hook. ', 3500) });
    expectPostable(reply);
    const text = allText(reply);
    expect(textOf(reply.blocks[0]!)).toBe('⚠️ *LinkedIn · 3,500 / 3,000*');
    expect(text).toContain("⚠️ *Breaks the channel's rules:*\n• The post is 3,500 characters; the limit is 3,000.\n• The hook (the first line)");
    expect(reply.text).toBe('LinkedIn · 3,500 / 3,000 · breaks 2 rules');
  });

  test('numbers each X post 1/N, as it will be posted, and keeps 8 posts of 280 characters whole', () => {
    const posts = Array.from({ length: 8 }, (_, index) => `${index + 1}. ${repeat('Hybrid work tip & trick. ', 272)}`);
    const { reply } = variantReply('x_thread', { posts });
    expectPostable(reply);
    expect(textOf(reply.blocks[0]!)).toBe('✅ *X thread · 8 posts · longest 280 / 280*');
    expect(plainSections(reply)).toEqual(posts.map((post, index) => `${post}\n\n${index + 1}/8`));
    const numbers = blocksOfType(reply, 'context').map(textOf);
    expect(numbers).toEqual(posts.map((_, index) => `*${index + 1}/8* · 280 / 280`));
  });

  test('marks X posts over the limit and fits an absurdly long thread', () => {
    const posts = Array.from({ length: 40 }, (_, index) => `${index}: ${repeat('a long post ', 600)}`);
    const { reply } = variantReply('x_thread', { posts });
    expectPostable(reply);
    const text = allText(reply);
    expect(text).toContain('• The thread has 40 posts; the limit is 8.');
    expect(text).toMatch(/\*1\/40\* · 6\d\d \/ 280 ⚠️/);
    expect(text).toMatch(/Posts \d+–40 are not shown/);
  });

  test('shows a newsletter subject, preview and Markdown body', () => {
    const content = { subject: 'Hybrid work: the *5* rules', preview: 'What we learned & kept', body: '# Hi\n\nRead **this** <now>.' };
    const { reply } = variantReply('newsletter', content);
    expectPostable(reply);
    expect(textOf(reply.blocks[0]!)).toBe('✅ *Newsletter · subject 26 / 60* · preview 22 / 90');
    expect(plainSections(reply)).toEqual(['Subject: Hybrid work: the *5* rules\nPreview: What we learned & kept']);
    expect(blocksOfType(reply, 'markdown').map(textOf)).toEqual(['# Hi\n\nRead **this** <now>.']);
  });

  test('cuts a newsletter body too long for one message and says so', () => {
    const body = makePost(30_000);
    const { reply } = variantReply('newsletter', { subject: 'S', preview: 'P', body });
    expectPostable(reply);
    const [shown] = blocksOfType(reply, 'markdown').map(textOf);
    expect(body.startsWith(shown!)).toBe(true);
    expect(allText(reply)).toMatch(/The body goes on for [\d,]+ more characters/);
  });

  test('renders a Slack announcement as mrkdwn but defuses mentions that would notify people, and shows where links lead', () => {
    const text = '<!channel> <!HERE> *New post*: <https://blog.example.com/x|read it> — thanks <@U123ABC>, <http://evil|Read more>';
    const { reply } = variantReply('slack_announcement', { text });
    expectPostable(reply);
    expect(textOf(reply.blocks[1]!)).toBe(
      '&lt;!channel&gt; &lt;!HERE&gt; *New post*: <https://blog.example.com/x|read it (blog.example.com)> — thanks &lt;@U123ABC&gt;, <http://evil|Read more (evil)>',
    );
  });

  test('fits a Slack announcement far over its limit', () => {
    const { reply } = variantReply('slack_announcement', { text: makePost(20_000) });
    expectPostable(reply);
    expect(allText(reply)).toMatch(/The rest \([\d,]+ more characters\) does not fit/);
  });

  test('refuses content of the wrong shape', () => {
    let error: unknown;
    try {
      buildVariantReply({ channel: 'x_thread', content: { text: 'not a thread' }, violations: [] });
    } catch (caught) {
      error = caught;
    }
    expect(isAppError(error) && error.code).toBe('INVALID_INPUT');
  });
});

describe('buildDecisionLogReply', () => {
  test('one line per decision, oldest first, with who and when', () => {
    const reply = buildDecisionLogReply([
      { actorId: 'U0AVERY', action: 'approved', at: new Date('2026-05-02T10:00:00Z'), note: 'Ship it <b>now</b>' },
      { actorId: 'U0MIA', action: 'plan_created', at: new Date('2026-05-01T09:30:00Z') },
    ]);
    expectPostable(reply);
    expect(textOf(reply.blocks[0]!)).toBe(
      [
        '*🗂 Decision log*',
        '• <@U0MIA> created the plan · <!date^1777627800^{date_short_pretty} at {time}|2026-05-01T09:30:00.000Z>',
        '• <@U0AVERY> approved · <!date^1777716000^{date_short_pretty} at {time}|2026-05-02T10:00:00.000Z> — “Ship it &lt;b&gt;now&lt;/b&gt;”',
      ].join('\n'),
    );
    expect(reply.text).toBe('Decision log: 2 decisions; latest: approved');
  });

  test('keeps the latest decisions when there are too many', () => {
    const entries = Array.from({ length: 500 }, (_, index) => ({
      actorId: 'U0SAM',
      action: 'changes_requested',
      at: new Date(Date.UTC(2026, 0, 1, 0, index)),
      note: repeat('Please fix the intro. ', 400),
    }));
    const reply = buildDecisionLogReply(entries);
    expectPostable(reply);
    const text = textOf(reply.blocks[0]!);
    expect(text).toMatch(/^\*🗂 Decision log\*\n_\d+ earlier decisions not shown_\n/);
    expect(text).toContain('changes requested');
    expect(text).toContain(`<!date^${Date.UTC(2026, 0, 1, 0, 499) / 1000}^`);
  });

  test('says when there is nothing yet', () => {
    const reply = buildDecisionLogReply([]);
    expectPostable(reply);
    expect(textOf(reply.blocks[0]!)).toBe('*🗂 Decision log*\nNo decisions yet.');
  });
});
