import { Marked, type Tokens } from 'marked';
import type { PublishContent } from './types.ts';

const SAFE_URL = /^(?:https?:|mailto:|#|\.{0,2}\/(?!\/))/i;

/** Text made safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function isSafeUrl(href: string): boolean {
  return SAFE_URL.test(href.trim());
}

// The Markdown comes from a model that read scraped pages, so it is not trusted: raw HTML is shown as
// text and only web, mail, anchor and relative links survive (no `javascript:`).
const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    link({ href, title, tokens }: Tokens.Link): string | false {
      const text = this.parser.parseInline(tokens);
      if (!isSafeUrl(href)) return text;
      const titleAttribute = title ? ` title="${escapeHtml(title)}"` : '';
      return `<a href="${escapeHtml(href)}"${titleAttribute}>${text}</a>`;
    },
    image({ href, title, text }: Tokens.Image): string | false {
      if (!/^https?:/i.test(href.trim())) return escapeHtml(text);
      const titleAttribute = title ? ` title="${escapeHtml(title)}"` : '';
      return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}"${titleAttribute}>`;
    },
  },
});

/** The post's Markdown as HTML (GitHub-flavoured), with raw HTML escaped and unsafe links dropped. */
export function markdownToHtml(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

/**
 * The JSON body a webhook receives. It depends only on the content, so every re-send of one
 * delivery is byte-identical; keys come in a fixed order (variants sorted by channel, nested keys sorted).
 */
export function buildPublishBody(content: PublishContent): string {
  const { plan, post, seo } = content;
  const body = {
    type: 'publish',
    plan: {
      id: plan.id,
      number: plan.number,
      topic: plan.topic,
      revision: plan.revision,
      keyphrase: plan.keyphrase,
      keywords: [...plan.keywords],
    },
    post: {
      title: post.title,
      slug: post.slug,
      metaDescription: post.metaDescription,
      markdown: post.markdown,
      html: post.html,
      sources: content.sources.map((source) => ({ number: source.number, title: source.title, url: source.url })),
    },
    variants: sortKeys(content.variants),
    seo: {
      seoScore: seo.seoScore,
      readabilityScore: seo.readabilityScore,
      keyphrase: plan.keyphrase,
      keywords: [...plan.keywords],
      title: post.title,
      metaDescription: post.metaDescription,
      slug: post.slug,
    },
  };
  return JSON.stringify(body);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeys(inner)]));
}
