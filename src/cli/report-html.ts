import { replaceCitations } from '../orchestrator/citations.ts';
import { findFigures, splitSentences } from '../orchestrator/claims.ts';
import { renderCitations } from '../publish/citations-render.ts';
import { escapeHtml, markdownToHtml } from '../publish/html.ts';
import { finalizeVariant, POST_URL_PLACEHOLDER, type VariantChannelId } from '../domain/channels.ts';
import type { DraftReport } from './report.ts';

type FigureMark = { text: string; isSupported: boolean; note: string };

/** Every figure of the post in order, supported or not, as the claim check judged it. */
function figureMarks(report: DraftReport): FigureMark[] {
  const marks: FigureMark[] = [];
  for (const { sentence, citedIds } of splitSentences(report.post.markdown)) {
    for (const figure of findFigures(replaceCitations(sentence, () => ' '))) {
      const unsupported = report.claims.unsupported.find((claim) => claim.sentence === sentence && claim.figure === figure.text);
      marks.push({
        text: figure.text,
        isSupported: !unsupported,
        note: unsupported
          ? unsupported.reason === 'uncited'
            ? 'Unsupported: no source is cited for this figure'
            : 'Unsupported: no cited source holds this figure'
          : `Supported: source ${citedIds.map((id) => `[${id}]`).join(', ')} holds this figure`,
      });
    }
  }
  return marks;
}

/**
 * Wraps each figure of the article's HTML, in order, in a mark: supported ones underlined, unsupported
 * ones highlighted. Only text between tags is searched, so attributes and URLs stay intact.
 */
function markFigures(html: string, marks: readonly FigureMark[]): string {
  let next = 0;
  return html.replace(/>([^<]+)</g, (whole, text: string) => {
    let out = '';
    let rest = text;
    while (next < marks.length) {
      const mark = marks[next]!;
      const at = rest.indexOf(escapeHtml(mark.text));
      if (at === -1) break;
      const className = mark.isSupported ? 'claim supported' : 'claim unsupported';
      out += `${rest.slice(0, at)}<mark class="${className}" title="${escapeHtml(mark.note)}">${escapeHtml(mark.text)}</mark>`;
      rest = rest.slice(at + escapeHtml(mark.text).length);
      next += 1;
    }
    return text === out + rest ? whole : `>${out}${rest}<`;
  });
}

function scoreRow(label: string, score: { before: number; after: number; threshold: number }): string {
  const status = score.after >= score.threshold ? 'pass' : 'fail';
  return `<tr><th>${label}</th><td>${score.before}</td><td>${score.after}</td><td>${score.threshold}</td><td class="${status}">${status === 'pass' ? 'meets' : 'below'}</td></tr>`;
}

const STYLE = `
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d1c1d}
header{background:#3f0e40;color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.85}
.notice{background:#fff4cc;border-bottom:1px solid #e8d48a;padding:10px 32px;font-weight:600}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:24px;padding:24px 32px;max-width:1400px}
section{background:#fff;border-radius:8px;padding:16px 24px;box-shadow:0 1px 2px rgba(0,0,0,.08);margin-bottom:24px}
h2{font-size:18px;margin:8px 0 12px}
article h2{font-size:20px}
mark.claim.supported{background:#e3f5e8;border-bottom:2px solid #2bac76;padding:0 2px}
mark.claim.unsupported{background:#ffd6d6;border-bottom:2px solid #e01e5a;padding:0 2px;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
td.pass,.good{color:#1a7f4b;font-weight:600}
td.fail,.bad{color:#c01343;font-weight:600}
.ok{color:#a86b00;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
.card{border:1px solid #ddd;border-radius:8px;padding:12px}
.card h3{margin:0 0 4px;font-size:15px}
.card .limit{font-size:13px;color:#555}
.card pre{white-space:pre-wrap;font:13px/1.45 ui-monospace,Menlo,monospace;background:#f8f8f8;padding:8px;border-radius:6px;max-height:280px;overflow:auto}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
.badge.in{background:#e3f5e8;color:#1a7f4b}
.badge.out{background:#ffd6d6;color:#c01343}
ol.sources li{margin-bottom:8px}
blockquote{margin:4px 0 4px 12px;padding-left:8px;border-left:3px solid #ddd;color:#444;font-size:14px}
.legend span{margin-right:12px}
.meta{font-size:14px;color:#555}
`;

/** report.html: one self-contained page, no script, no external request (its CSP forbids them). */
export function renderReportHtml(report: DraftReport): string {
  const published = renderCitations(report.post.markdown, report.research.sources).markdown;
  const article = markFigures(markdownToHtml(published), figureMarks(report));
  const unsupported = report.claims.unsupported
    .map((claim) => `<li><mark class="claim unsupported">${escapeHtml(claim.figure)}</mark> in “${escapeHtml(claim.sentence)}” (${claim.reason === 'uncited' ? 'no citation' : 'not in the cited source'})</li>`)
    .join('');
  const checks = report.scores.checks
    .map((check) => `<tr><td>${check.kind}</td><td class="${check.rating}">${check.rating}</td><td>${escapeHtml(check.text)}</td></tr>`)
    .join('');
  const passes = report.passes
    .map(
      (pass) =>
        `<tr><td>${pass.iteration}</td><td>${pass.scoreBefore} → ${pass.scoreAfter}</td><td>${pass.readability}</td><td>${pass.rejected ? `rejected: ${escapeHtml(pass.rejected)}` : `${pass.instructions.length} checks to fix`}</td></tr>`,
    )
    .join('');
  const variants = report.variants
    .map(
      (variant) => `<div class="card" data-channel="${variant.channel}">
<h3>${escapeHtml(variant.label)} <span class="badge ${variant.withinLimits ? 'in' : 'out'}">${variant.withinLimits ? 'within limits' : 'breaks a rule'}</span></h3>
<div class="limit">${escapeHtml(variant.measure ?? 'no content')}</div>
${variant.violations.map((violation) => `<div class="bad">${escapeHtml(violation)}</div>`).join('')}
${variant.repairs.map((repair) => `<div class="limit">Repaired: ${escapeHtml(repair.detail)}</div>`).join('')}
<pre>${escapeHtml(variantText(variant.channel, variant.content))}</pre>
</div>`,
    )
    .join('\n');
  const sources = report.research.sources
    .map((source) => {
      const evidence = report.research.evidence.filter((item) => item.sourceId === source.id);
      return `<li><a href="${escapeHtml(source.url)}">${escapeHtml(source.title || source.url)}</a><br><span class="meta">${escapeHtml(source.url)}</span>${evidence
        .map((item) => `<blockquote>${escapeHtml(item.quote)} <span class="meta">(${item.id}, ${item.kind})</span></blockquote>`)
        .join('')}</li>`;
    })
    .join('');
  const warnings = report.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('');
  const cost = report.mode === 'offline' ? 'no model calls (offline)' : `about $${report.usage.costUsd.toFixed(4)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report: ${escapeHtml(report.post.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(report.post.title)}</h1><p>Keyphrase “${escapeHtml(report.brief.keyphrase)}” · ${report.post.words} words · ${escapeHtml(report.model)} · ${(report.timings.totalMs / 1000).toFixed(1)} s</p></header>
${report.notice ? `<div class="notice" id="notice">${escapeHtml(report.notice)}</div>` : ''}
<main>
<div>
<section id="article">
<p class="meta"><strong>Meta description:</strong> ${escapeHtml(report.post.metaDescription)}<br><strong>Slug:</strong> ${escapeHtml(report.post.slug)}</p>
<p class="legend meta"><span><mark class="claim supported">supported figure</mark></span><span><mark class="claim unsupported">unsupported figure</mark></span></p>
<article>${article}</article>
</section>
</div>
<div>
<section id="scores">
<h2>Scores</h2>
<table><tr><th></th><th>first draft</th><th>final</th><th>threshold</th><th></th></tr>
${scoreRow('SEO', report.scores.seo)}
${scoreRow('Readability', report.scores.readability)}
</table>
${passes ? `<h2>Optimisation passes</h2><table><tr><th>pass</th><th>SEO</th><th>readability</th><th></th></tr>${passes}</table>` : ''}
<h2>Checks on the final version</h2>
<table>${checks}</table>
</section>
<section id="claims">
<h2>Claim check</h2>
<p>${report.claims.supported} figures supported by their cited source, <strong class="${report.claims.unsupported.length > 0 ? 'bad' : 'good'}">${report.claims.unsupported.length} unsupported</strong>. Citations: ${report.citations.cited.length} sources cited, ${report.citations.unresolved.length} unresolved. Quotes kept ${report.research.quotes.kept}, dropped ${report.research.quotes.dropped}.</p>
${unsupported ? `<ul>${unsupported}</ul>` : ''}
${report.repairs.length > 0 ? `<p>Repairs: ${report.repairs.map((repair) => escapeHtml(repair.detail)).join(' ')}</p>` : ''}
${warnings ? `<ul class="meta">${warnings}</ul>` : ''}
<p class="meta">Tokens ${report.usage.inputTokens.toLocaleString('en-US')} in, ${report.usage.outputTokens.toLocaleString('en-US')} out, ${cost}.</p>
</section>
<section id="variants">
<h2>Variants</h2>
<div class="cards">
${variants || '<p class="meta">No variants were asked for.</p>'}
</div>
</section>
<section id="sources">
<h2>Sources</h2>
${sources ? `<ol class="sources">${sources}</ol>` : `<p class="meta">${escapeHtml(report.research.skipped ?? 'No sources.')}</p>`}
</section>
</div>
</main>
</body>
</html>
`;
}

/** A variant as it will be posted (link placeholder kept), with its measure and any problems. */
export function variantText(channel: VariantChannelId, content: unknown): string {
  if (content === null || content === undefined) return '';
  const finished = finalizeVariant(channel, content as never, POST_URL_PLACEHOLDER) as Record<string, unknown>;
  if (channel === 'x_thread') return (finished['posts'] as string[]).join('\n\n---\n\n');
  if (channel === 'newsletter') return `Subject: ${String(finished['subject'])}\nPreview: ${String(finished['preview'])}\n\n${String(finished['body'])}`;
  return String(finished['text'] ?? '');
}

