import { escapeMrkdwn } from './format.ts';

export type ModelMrkdwnOptions = {
  /**
   * - `plain`: for published text; a mention or broadcast becomes its plain words ("@channel", "@mia").
   * - `visible`: for the review thread; the token is shown as written (`<!channel>`), without notifying.
   */
  mentions: 'plain' | 'visible';
  /** The app's own links (the published post, sources): left as they are. */
  trustedUrls?: readonly string[];
};

/**
 * Makes mrkdwn that a model wrote safe to post. A link whose label hides its target shows the target's
 * host after the label (`<http://evil|Read more>` → `<http://evil|Read more (evil)>`); a link to anything
 * but http(s) becomes plain text; user mentions, `<!here>`, `<!channel>`, `<!everyone>` and user-group
 * mentions never notify anyone, whatever their case. Channel links and dates stay.
 */
export function defuseModelMrkdwn(text: string, { mentions, trustedUrls = [] }: ModelMrkdwnOptions): string {
  const trusted = new Set(trustedUrls);
  return text.replace(/<([^<>]*)>/g, (token, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar < 0 ? inner : inner.slice(0, bar);
    const label = bar < 0 ? '' : inner.slice(bar + 1);
    if (/^#C[A-Z0-9]+$/i.test(target) || /^!date\^/i.test(target)) return token;
    if (target.startsWith('@') || target.startsWith('!')) {
      if (mentions === 'visible') return escapeMrkdwn(token);
      const name = target.startsWith('!') ? target.slice(1).split('^')[0]!.toLowerCase() : target.slice(1);
      const shown = label.trim() !== '' ? label.trim() : name === 'subteam' ? 'group' : name;
      return shown.startsWith('@') ? shown : `@${shown}`;
    }
    if (trusted.has(target)) return token;
    return showTarget(target, label);
  });
}

function showTarget(target: string, label: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return escapeMrkdwn(label === '' ? target : `${label} (${target})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return escapeMrkdwn(label === '' ? target : `${label} (${target})`);
  const host = url.host;
  if (label === '' || label.includes(host)) return `<${target}${label === '' ? '' : `|${label}`}>`;
  return `<${target}|${label} (${host})>`;
}

/**
 * The same for Markdown a model wrote (a draft, a newsletter body shown in a `markdown` block): a link
 * whose text hides its target gets the target's host after the text (`[Read more](http://evil)` →
 * `[Read more (evil)](http://evil)`), and a link to anything but http(s) becomes its text and target.
 * Links to `trustedUrls` (the sources) stay as they are.
 */
export function showMarkdownLinkTargets(markdown: string, { trustedUrls = [] }: { trustedUrls?: readonly string[] } = {}): string {
  const trusted = new Set(trustedUrls);
  return markdown.replace(/(!?)\[([^[\]\n]*)\]\(\s*<?([^\s()<>]+)>?((?:\s+"[^"\n]*")?)\s*\)/g, (link, bang: string, label: string, target: string, title: string) => {
    if (bang === '!' || trusted.has(target)) return link;
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return link;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${label} (${target.replace(/[[\]()]/g, '')})`;
    if (label.includes(url.host)) return link;
    return `[${label} (${url.host})](${target}${title})`;
  });
}
