import type { OptimizeSettings } from '../orchestrator/stages/optimize.ts';

type Scores = { before: number; after: number };

/** One brief's numbers; `ms` is the only field that varies between identical runs. */
export type BriefResult = {
  id: string;
  topic: string;
  keyphrase: string;
  seo?: Scores;
  readability?: Scores;
  meetsThresholds?: boolean;
  passes?: number;
  quotes?: { kept: number; dropped: number };
  claims?: { supported: number; unsupported: number };
  repairs?: number;
  variants?: { within: number; total: number };
  tokens?: { in: number; out: number };
  costUsd?: number;
  ms: number;
  error: string | null;
};

export type EvalTotal = Omit<BriefResult, 'id' | 'topic' | 'keyphrase' | 'error' | 'meetsThresholds'> & { briefs: number; failed: number; meetingThresholds: number };

export type EvalResults = {
  notice: string | null;
  mode: 'offline' | 'live';
  model: string;
  settings: OptimizeSettings;
  briefs: BriefResult[];
  total: EvalTotal;
};

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const mean = (values: readonly number[]) => (values.length === 0 ? 0 : Math.round((sum(values) / values.length) * 10) / 10);

/** Averages for scores, sums for counts, tokens and cost; `ms` is the wall time of the whole run. */
export function summarize(rows: readonly BriefResult[], ms: number): EvalTotal {
  const done = rows.filter((row) => !row.error);
  const pick = <T>(get: (row: BriefResult) => T | undefined) => done.map(get).filter((value): value is T => value !== undefined);
  return {
    briefs: rows.length,
    failed: rows.length - done.length,
    meetingThresholds: done.filter((row) => row.meetsThresholds).length,
    seo: { before: mean(pick((row) => row.seo?.before)), after: mean(pick((row) => row.seo?.after)) },
    readability: { before: mean(pick((row) => row.readability?.before)), after: mean(pick((row) => row.readability?.after)) },
    passes: sum(pick((row) => row.passes)),
    quotes: { kept: sum(pick((row) => row.quotes?.kept)), dropped: sum(pick((row) => row.quotes?.dropped)) },
    claims: { supported: sum(pick((row) => row.claims?.supported)), unsupported: sum(pick((row) => row.claims?.unsupported)) },
    repairs: sum(pick((row) => row.repairs)),
    variants: { within: sum(pick((row) => row.variants?.within)), total: sum(pick((row) => row.variants?.total)) },
    tokens: { in: sum(pick((row) => row.tokens?.in)), out: sum(pick((row) => row.tokens?.out)) },
    costUsd: Math.round(sum(pick((row) => row.costUsd)) * 1e6) / 1e6,
    ms,
  };
}

const HEADER = ['brief', 'SEO', 'readability', 'passes', 'quotes kept/dropped', 'claims ok/unsupported', 'repairs', 'variants in limits', 'tokens in/out', 'cost', 'time'];

function cells(name: string, row: Omit<BriefResult, 'id' | 'topic' | 'keyphrase' | 'error'>, isOffline: boolean): string[] {
  return [
    name,
    row.seo ? `${row.seo.before} → ${row.seo.after}` : '',
    row.readability ? `${row.readability.before} → ${row.readability.after}` : '',
    String(row.passes ?? ''),
    row.quotes ? `${row.quotes.kept} / ${row.quotes.dropped}` : '',
    row.claims ? `${row.claims.supported} / ${row.claims.unsupported}` : '',
    String(row.repairs ?? ''),
    row.variants ? `${row.variants.within} / ${row.variants.total}` : '',
    row.tokens ? `${row.tokens.in.toLocaleString('en-US')} / ${row.tokens.out.toLocaleString('en-US')}` : '',
    row.costUsd === undefined ? '' : isOffline ? 'none (offline)' : `$${row.costUsd.toFixed(4)}`,
    `${(row.ms / 1000).toFixed(1)} s`,
  ];
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The results as a Markdown table: one row per brief (or its error), then the total. */
export function formatTable(results: EvalResults): string {
  const isOffline = results.mode === 'offline';
  const rows = results.briefs.map((row) => (row.error ? [row.id, `failed: ${row.error}`, ...HEADER.slice(2).map(() => '')] : cells(row.id, row, isOffline)));
  const { briefs, failed, meetingThresholds, ...total } = results.total;
  rows.push(cells(`total (${briefs} briefs, ${meetingThresholds} meet thresholds${failed ? `, ${failed} failed` : ''})`, total, isOffline));
  return table(HEADER, rows);
}

export function toCsv(results: EvalResults): string {
  const header = ['brief', 'topic', 'keyphrase', 'seo_before', 'seo_after', 'readability_before', 'readability_after', 'meets_thresholds', 'passes', 'quotes_kept', 'quotes_dropped', 'claims_supported', 'claims_unsupported', 'repairs', 'variants_within_limits', 'variants', 'tokens_in', 'tokens_out', 'cost_usd', 'ms', 'error'];
  const quote = (value: unknown) => {
    const text = value === undefined || value === null ? '' : String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = results.briefs.map((row) =>
    [row.id, row.topic, row.keyphrase, row.seo?.before, row.seo?.after, row.readability?.before, row.readability?.after, row.meetsThresholds, row.passes, row.quotes?.kept, row.quotes?.dropped, row.claims?.supported, row.claims?.unsupported, row.repairs, row.variants?.within, row.variants?.total, row.tokens?.in, row.tokens?.out, row.costUsd, row.ms, row.error]
      .map(quote)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

function delta(now: number | undefined, before: number | undefined, digits = 0): string {
  if (now === undefined || before === undefined) return 'n/a';
  const change = now - before;
  const text = digits > 0 ? change.toFixed(digits) : String(Math.round(change * 10) / 10);
  return change > 0 ? `+${text}` : change === 0 ? '0' : text;
}

/** The change of each brief (matched by id) and of the total against a baseline run. */
export function compareResults(baseline: EvalResults, current: EvalResults): string {
  const header = ['brief', 'SEO after', 'readability after', 'passes', 'claims unsupported', 'repairs', 'variants in limits', 'tokens', 'cost', 'time'];
  const row = (name: string, now: Partial<BriefResult> | undefined, before: Partial<BriefResult> | undefined): string[] => [
    name,
    delta(now?.seo?.after, before?.seo?.after),
    delta(now?.readability?.after, before?.readability?.after),
    delta(now?.passes, before?.passes),
    delta(now?.claims?.unsupported, before?.claims?.unsupported),
    delta(now?.repairs, before?.repairs),
    delta(now?.variants?.within, before?.variants?.within),
    delta(now?.tokens ? now.tokens.in + now.tokens.out : undefined, before?.tokens ? before.tokens.in + before.tokens.out : undefined),
    delta(now?.costUsd, before?.costUsd, 4),
    now?.ms !== undefined && before?.ms !== undefined ? `${delta(now.ms / 1000, before.ms / 1000, 1)} s` : 'n/a',
  ];
  const rows = current.briefs.map((brief) => {
    const before = baseline.briefs?.find((candidate) => candidate.id === brief.id);
    return before ? row(brief.id, brief, before) : [brief.id, 'not in the baseline', ...header.slice(2).map(() => '')];
  });
  rows.push(row('total', current.total, baseline.total));
  return table(header, rows);
}
