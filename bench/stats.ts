// Shared statistics, interleaving and table helpers for every bench section.

/** Robust summary of repeated measurements: the median and the spread around it. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  n: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (position - low);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    n: sorted.length,
  };
}

/**
 * Runs every contender once per repetition, rotating the starting contender each time, so that a
 * slow phase of a shared machine (another engineer's test run) hits all contenders alike instead
 * of whichever happened to run during it. Returns each contender's values in repetition order.
 */
export async function interleave<C extends string>(
  contenders: readonly C[],
  repetitions: number,
  measure: (contender: C, repetition: number) => Promise<number> | number,
): Promise<Record<C, number[]>> {
  const values = Object.fromEntries(contenders.map((name) => [name, [] as number[]])) as Record<C, number[]>;
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (let offset = 0; offset < contenders.length; offset++) {
      const contender = contenders[(repetition + offset) % contenders.length] as C;
      values[contender].push(await measure(contender, repetition));
    }
  }
  return values;
}

/**
 * Collects garbage before a measurement when node runs with --expose-gc, so that one contender's
 * garbage is not collected on the next one's time; without the flag the spread is only wider.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * The ratio of two contenders measured in the same repetitions. Each repetition gives one ratio
 * (the two ran moments apart, so machine noise mostly cancels); the median of those is reported,
 * with their range as the spread.
 */
export function pairedRatio(values: readonly number[], baseline: readonly number[]): Summary {
  const ratios = values.map((value, index) => value / (baseline[index] as number));
  return summarize(ratios);
}

/** Rounds to a few significant digits so results.json diffs show real changes, not noise digits. */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

export function roundSummary(summary: Summary): Summary {
  return {
    median: round(summary.median),
    min: round(summary.min),
    max: round(summary.max),
    q1: round(summary.q1),
    q3: round(summary.q3),
    n: summary.n,
  };
}

/** A number formatted for a table cell: about three significant digits, thousands grouped. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const magnitude = Math.abs(value);
  const fractionDigits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
}

/** `median (min-max)`: the spread says how far one run's number can be trusted. */
export function formatSpread(summary: Summary): string {
  return `${formatNumber(summary.median)} (${formatNumber(summary.min)}-${formatNumber(summary.max)})`;
}

export function formatRatio(summary: Summary | undefined): string {
  if (!summary) return '';
  return `${summary.median.toFixed(2)}x (${summary.min.toFixed(2)}-${summary.max.toFixed(2)})`;
}

/** A target on a ratio, checked on the median of the paired ratios. */
export interface Target {
  description: string;
  met: boolean;
}

export function formatTarget(target: Target | undefined): string {
  if (!target) return '';
  return `${target.met ? 'met' : 'MISSED'}: ${target.description}`;
}

/** A section's results as a table, rendered as text for the terminal or Markdown for the README. */
export interface TableData {
  title: string;
  header: string[];
  rows: string[][];
  /** Lines printed under the table: what the rows mean, what was skipped. */
  notes?: string[];
}

const numericCell = /^[\d.,\-x() %+]*$/;

/** Plain text with a header rule; numeric columns are right-aligned. */
export function renderTable({ title, header, rows, notes = [] }: TableData): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => numericCell.test(row[column] ?? '')));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number))).join('  ').trimEnd();
  return [title, line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line), ...notes.map((note) => `  ${note}`)].join('\n');
}

/** A GitHub-flavoured Markdown table under a bold title. */
export function renderMarkdownTable({ title, header, rows, notes = [] }: TableData): string {
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => numericCell.test(row[column] ?? '')));
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `**${title}**`,
    '',
    `| ${header.map(escape).join(' | ')} |`,
    `|${numeric.map((isNumeric) => (isNumeric ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
}
