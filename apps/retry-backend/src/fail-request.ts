/** The query of `GET /`: failRate (integer 0..100, default 50) and mode (busy | crash | hang, default crash). */
import { type FieldProblem, validationError } from '@faultline/service-kit';

export const MODES = ['busy', 'crash', 'hang'] as const;
export type FailMode = (typeof MODES)[number];

export interface FailRequest {
  failRate: number;
  mode: FailMode;
}

export function parseFailRequest(query: Record<string, unknown>): FailRequest {
  const problems: FieldProblem[] = [];
  const rawRate = query.failRate ?? '50';
  const rawMode = query.mode ?? 'crash';
  const failRate = typeof rawRate === 'string' && /^\d{1,3}$/.test(rawRate) ? Number(rawRate) : NaN;
  if (!(failRate >= 0 && failRate <= 100)) problems.push({ field: 'failRate', message: 'must be an integer from 0 to 100' });
  if (typeof rawMode !== 'string' || !(MODES as readonly string[]).includes(rawMode)) {
    problems.push({ field: 'mode', message: `must be one of ${MODES.join(', ')}` });
  }
  if (problems.length) throw validationError(problems);
  return { failRate, mode: rawMode as FailMode };
}

/** The seed's rule: fail when failRate > a random integer from 1 to 100 (so failRate N fails (N − 1)% of the time, 100 → 99%). */
export function shouldFail(failRate: number, random: () => number): boolean {
  const draw = 1 + Math.floor(random() * 100);
  return failRate > draw;
}
