import { markdownToHtml } from '../../src/publish/html.ts';
import type { PublishContent } from '../../src/publish/types.ts';

const markdown = '# Green tea for focus\n\nGreen tea has **less caffeine** than coffee [1].\n\n## Brewing\n\nUse water at 80 °C.\n';

/** A plan revision ready to publish; `overrides` replace whole top-level parts. */
export function makeContent(overrides: Partial<PublishContent> = {}): PublishContent {
  return {
    plan: { id: '5f0c1e9a-3a63-4a5e-9d51-6d4f0f6a2b11', number: 42, topic: 'Green tea and focus', revision: 2, keyphrase: 'green tea', keywords: ['matcha', 'caffeine'] },
    post: {
      title: 'Green tea for focus',
      slug: 'green-tea-for-focus',
      metaDescription: 'How green tea helps you focus, with less caffeine than coffee.',
      markdown,
      html: markdownToHtml(markdown),
    },
    sources: [],
    variants: {
      slack_announcement: { text: '*New on the blog:* green tea for focus.\n• Less caffeine than coffee\n• Brew at 80 °C' },
      linkedin: { text: 'Green tea helps you focus.' },
    },
    seo: { seoScore: 82, readabilityScore: 74 },
    ...overrides,
  };
}
