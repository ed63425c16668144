import { describe, expect, test } from 'vitest';
import { buildPublishBody, markdownToHtml } from '../../src/publish/html.ts';
import { makeContent } from './fixtures.ts';

describe('markdownToHtml', () => {
  test('headings, emphasis, lists, links, tables and code', () => {
    const html = markdownToHtml(
      '## Why\n\nIt is **bold** and _calm_.\n\n- one\n- two\n\n[Read more](https://example.com/a "A")\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nx < y\n```\n',
    );
    expect(html).toContain('<h2>Why</h2>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>calm</em>');
    expect(html).toContain('<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
    expect(html).toContain('<a href="https://example.com/a" title="A">Read more</a>');
    expect(html).toContain('<table>');
    expect(html).toContain('<pre><code>x &lt; y\n</code></pre>');
  });

  test('raw HTML is shown as text, and script links are dropped', () => {
    const html = markdownToHtml('Hi <script>alert(1)</script>\n\n<iframe src="https://evil.test"></iframe>\n\n[click](javascript:alert(1)) ![x](javascript:alert(2))');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<iframe');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('click');
  });

  test('relative and anchor links survive, protocol-relative ones do not', () => {
    const html = markdownToHtml('[a](/pricing) [b](#faq) [c](//evil.test/x)');
    expect(html).toContain('<a href="/pricing">a</a>');
    expect(html).toContain('<a href="#faq">b</a>');
    expect(html).not.toContain('evil.test');
  });
});

describe('buildPublishBody', () => {
  test('holds the plan, the post as Markdown and HTML, the variants and the SEO metadata', () => {
    const content = makeContent();
    const body = JSON.parse(buildPublishBody(content)) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['type', 'plan', 'post', 'variants', 'seo']);
    expect(body).toMatchObject({
      type: 'publish',
      plan: { id: content.plan.id, number: 42, revision: 2, keyphrase: 'green tea' },
      post: { title: 'Green tea for focus', slug: 'green-tea-for-focus', markdown: content.post.markdown, html: content.post.html },
      variants: content.variants,
      seo: { seoScore: 82, readabilityScore: 74, keyphrase: 'green tea', metaDescription: content.post.metaDescription },
    });
  });

  test('stable: the same content gives the same bytes whatever the variants key order', () => {
    const a = makeContent({ variants: { linkedin: { text: 'x' }, slack_announcement: { text: 'y', z: 1, a: 2 } } });
    const b = makeContent({ variants: { slack_announcement: { a: 2, text: 'y', z: 1 }, linkedin: { text: 'x' } } });
    expect(buildPublishBody(a)).toBe(buildPublishBody(b));
    expect(Object.keys((JSON.parse(buildPublishBody(a)) as { variants: object }).variants)).toEqual(['linkedin', 'slack_announcement']);
  });
});
