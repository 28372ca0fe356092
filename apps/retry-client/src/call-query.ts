/** The query of `GET /call`, checked before it is passed on: failRate 0..100 and mode busy | crash | hang, both optional. */
import { type FieldProblem, validationError } from '@faultline/service-kit';

const MODES = ['busy', 'crash', 'hang'];

/** The backend path to call, e.g. "/?failRate=50&mode=busy"; throws a 400 for bad values. */
export function backendPath(query: Record<string, unknown>): string {
  const problems: FieldProblem[] = [];
  const params = new URLSearchParams();
  const { failRate, mode } = query;
  if (failRate !== undefined) {
    if (typeof failRate !== 'string' || !/^\d{1,3}$/.test(failRate) || Number(failRate) > 100) {
      problems.push({ field: 'failRate', message: 'must be an integer from 0 to 100' });
    } else params.set('failRate', failRate);
  }
  if (mode !== undefined) {
    if (typeof mode !== 'string' || !MODES.includes(mode)) problems.push({ field: 'mode', message: `must be one of ${MODES.join(', ')}` });
    else params.set('mode', mode);
  }
  if (problems.length) throw validationError(problems);
  const search = params.toString();
  return search ? `/?${search}` : '/';
}
