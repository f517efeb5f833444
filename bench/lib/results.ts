/** One line of the table and of bench/results.json. */
export interface ResultRow {
  /** Stable key the smoke test and docs refer to, e.g. `inproc.create-delete`. */
  readonly id: string;
  readonly section: string;
  readonly label: string;
  /** The measured figure (median), or null when the row was skipped. */
  readonly value: number | null;
  readonly unit: string;
  /** The figure this one is compared with, measured in the same run. */
  readonly baseline?: { readonly label: string; readonly value: number };
  /** value / baseline.value (or the ratio the target names). */
  readonly ratio?: number;
  readonly target?: string;
  readonly met?: boolean;
  readonly note?: string;
  /** Why the row has no value. */
  readonly skipped?: string;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly quick: boolean;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly totalMemoryMiB: number; readonly platform: string };
  readonly node: string;
  readonly rows: readonly ResultRow[];
}

const formatNumber = (value: number): string => {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
};

const pad = (text: string, width: number, right = false): string => (right ? text.padStart(width) : text.padEnd(width));

/** The one table `npm run bench` prints (also pasted into docs/performance.md, hence Markdown). */
export const formatTable = (rows: readonly ResultRow[]): string => {
  const header = ['Measurement', 'Value', 'Baseline (same run)', 'Ratio', 'Target', 'Met'];
  const body = rows.map((row) => [
    row.label,
    row.value === null ? `skipped: ${row.skipped ?? ''}` : `${formatNumber(row.value)} ${row.unit}`,
    row.baseline === undefined ? '' : `${row.baseline.label}: ${formatNumber(row.baseline.value)}`,
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`,
    row.target ?? '',
    row.met === undefined ? '' : row.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => (cells[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => pad(cell, widths[column] ?? 0, column === 1 || column === 3)).join(' | ')} |`;
  return [line(header), `|${widths.map((width, column) => (column === 1 || column === 3 ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`, ...body.map(line)].join('\n');
};
