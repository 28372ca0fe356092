/** The one table `npm run test:load` ends with, one row per script, and the lines that explain its failures. */
import { type K6RunResult, passed } from './k6-run';

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

function ms(value: number): string {
  return value >= 100 ? `${thousands(value)} ms` : `${value.toFixed(1)} ms`;
}

function percent(rate: number | undefined): string {
  return rate === undefined ? '-' : `${(rate * 100).toFixed(2)}%`;
}

function seconds(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(1)} s`;
}

/** Rows as text columns; the last column is left unpadded. */
export function formatColumns(rows: readonly string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : rightAligned.has(col) ? cell.padStart(widths[col]) : cell.padEnd(widths[col])))
      .join('  ')
      .trimEnd(),
  );
}

export function resultRow(result: K6RunResult): string[] {
  const summary = result.summary;
  const thresholds = summary?.thresholds ?? [];
  const held = thresholds.filter((t) => t.passed).length;
  const verdict = passed(result) ? 'ok' : result.error ? 'ERROR' : 'FAILED';
  return [
    result.name,
    summary ? thousands(summary.requests) : '-',
    percent(summary?.failedRate),
    summary?.p95.length ? summary.p95.map((s) => `${s.step} ${ms(s.p95Ms)}`).join(', ') : '-',
    summary ? `${held}/${thresholds.length} passed` : '-',
    seconds(result.durationMs),
    verdict,
  ];
}

/** The table, then one line per failed threshold and per run that went wrong. */
export function formatReport(results: readonly K6RunResult[]): string[] {
  const header = ['script', 'requests', 'failed', 'p95 by step', 'thresholds', 'duration', 'result'];
  const lines = formatColumns([header, ...results.map(resultRow)], new Set([1, 2, 5]));
  const notes: string[] = [];
  for (const result of results) {
    for (const t of result.summary?.thresholds ?? []) {
      if (!t.passed) notes.push(`${result.name}: threshold ${t.metric} ${t.expression} failed${t.value === undefined ? '' : ` (${Number(t.value.toFixed(4))})`}`);
    }
    if (result.requestError && !passed(result)) notes.push(`${result.name}: last failed request: ${result.requestError}`);
    if (result.error) notes.push(`${result.name}: ${result.error}${result.logFile === '-' ? '' : ` (log: ${result.logFile})`}`);
  }
  return notes.length ? [...lines, '', ...notes] : lines;
}
