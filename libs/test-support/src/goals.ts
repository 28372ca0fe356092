/**
 * A benchmark's goals: each figure is checked against its goal and reported as "goal met" or "goal
 * missed", measured beside goal; a missed goal makes the benchmark exit 1 (`process.exitCode`), so a
 * script or CI that runs it sees the miss without reading the figures.
 */
export interface GoalCheck {
  /** e.g. "throughput ratio instrumented/uninstrumented" */
  readonly what: string;
  readonly measured: number;
  /** '>=' : at least the goal; '<=' : at most. */
  readonly op: '>=' | '<=';
  readonly goal: number;
  /** Printed after both figures, e.g. "MB", "s". */
  readonly unit?: string;
  /** Decimals of the printed figures (default 2). */
  readonly digits?: number;
}

export interface GoalResult extends GoalCheck {
  readonly met: boolean;
}

export function checkGoal(check: GoalCheck): GoalResult {
  const met = check.op === '>=' ? check.measured >= check.goal : check.measured <= check.goal;
  return { ...check, met: Number.isFinite(check.measured) && met };
}

export function formatGoal(result: GoalResult): string {
  const unit = result.unit ? ` ${result.unit}` : '';
  const digits = result.digits ?? 2;
  const figures = `${result.measured.toFixed(digits)}${unit} measured vs goal ${result.op === '>=' ? '≥' : '≤'} ${result.goal.toFixed(digits)}${unit}`;
  return `${result.met ? 'goal met' : 'goal missed'}: ${result.what}: ${figures}`;
}

/** Collects the goals of one run; `finish` prints the verdict and sets exit code 1 on any miss. */
export class GoalReport {
  readonly results: GoalResult[] = [];

  constructor(private readonly write: (line: string) => void = (line) => console.log(line)) {}

  /** Checks and prints one goal at once; returns whether it was met. */
  check(check: GoalCheck): boolean {
    const result = checkGoal(check);
    this.results.push(result);
    this.write(formatGoal(result));
    return result.met;
  }

  get missed(): GoalResult[] {
    return this.results.filter((r) => !r.met);
  }

  /** Prints the summary line; returns the exit code (1 when a goal was missed) and sets process.exitCode to it. */
  finish(setExitCode = true): number {
    const missed = this.missed;
    this.write(
      missed.length
        ? `${missed.length} of ${this.results.length} goals missed: ${missed.map((r) => r.what).join('; ')} (exit 1)`
        : `all ${this.results.length} goals met`,
    );
    const code = missed.length ? 1 : 0;
    if (setExitCode && code) process.exitCode = code;
    return code;
  }
}
