export type Status = 'PASS' | 'MISS' | 'INFO';

/** One line of the final summary table. */
export type SummaryRow = {
  benchmark: string;
  metric: string;
  /** Ours, as measured. */
  value: string;
  /** What it is compared against (baseline or ideal), as measured in the same run. */
  baseline: string;
  ratio: string;
  target: string;
  status: Status;
};

export type BenchOutcome = { name: string; rows: SummaryRow[] };

export function check(isMet: boolean): Status {
  return isMet ? 'PASS' : 'MISS';
}
