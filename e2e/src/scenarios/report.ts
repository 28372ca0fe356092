/** How a run reads in a terminal: one progress line per step with its evidence, a table at the end. */
import type { RunEvent, ScenarioResult } from './runner';

const MARK = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' } as const;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function progressLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'scenario-start':
      return `\n▶ ${event.scenario.id}: ${event.scenario.title}  (seed ${event.scenario.seed})`;
    case 'step-start':
      return undefined;
    case 'step-end': {
      const { step } = event;
      const lines = [`  ${MARK[step.status]} ${step.phase.padEnd(7)} ${step.title}${step.status === 'skipped' ? '' : `  (${seconds(step.durationMs)})`}`];
      for (const item of step.evidence) lines.push(...item.text.split('\n').map((text, i) => `         ${i === 0 ? `[${item.source}] ` : '  '}${text}`));
      // A skipped step's error is why it did not run, not a failure.
      if (step.error) lines.push(...step.error.split('\n').map((text) => `         ${step.status === 'skipped' ? '—' : '✗'} ${text}`));
      return lines.join('\n');
    }
    case 'scenario-end':
      if (event.result.status === 'needs-target' || event.result.status === 'not-run') return `  skip ${event.result.reason}`;
      return `  ${event.result.status === 'passed' ? 'PASSED' : 'FAILED'} ${event.result.id} in ${seconds(event.result.durationMs)}`;
  }
}

function resultCell(r: ScenarioResult): string {
  if (r.status === 'needs-target') return `needs ${r.reason?.replace(/^needs the /, '') ?? 'another target'}`;
  return r.status === 'not-run' ? 'not run' : r.status;
}

/** The closing table; `wallMs` is the run's wall time when scenarios ran side by side. */
export function resultTable(results: readonly ScenarioResult[], wallMs?: number): string {
  const rows = results.map((r) => [r.id, r.target, resultCell(r), seconds(r.durationMs), r.reason ?? '']);
  const header = ['scenario', 'target', 'result', 'time', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => Math.min(row[i].length, 70))));
  const format = (row: string[]) => row.map((cell, i) => (cell.length > 70 ? `${cell.slice(0, 67)}...` : cell).padEnd(widths[i])).join('  ').trimEnd();
  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const notRun = results.filter((r) => r.status === 'not-run').length;
  const otherTarget = results.filter((r) => r.status === 'needs-target').length;
  const total = results.reduce((sum, r) => sum + r.durationMs, 0);
  const summary = [`${passed} passed`, `${failed} failed`, ...(notRun ? [`${notRun} not run here`] : []), `${otherTarget} need another target`];
  const time = wallMs === undefined || wallMs >= total - 500 ? seconds(total) : `${seconds(wallMs)} (${seconds(total)} of scenario time side by side)`;
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format), '', `${summary.join(', ')}; ${time}`].join('\n');
}
