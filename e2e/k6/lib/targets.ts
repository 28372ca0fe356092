/**
 * Where the scripts send traffic: the lab's services, usually through `kubectl port-forward` (see
 * docs/kubernetes.md). Each URL can be overridden with an environment variable (k6 run -e NAME=value);
 * `npm run test:load` passes the running lab's Service addresses this way.
 */
export const STORE_URL = __ENV.STORE_URL || 'http://localhost:8080';
export const FRONT_END_URL = __ENV.FRONT_END_URL || 'http://localhost:8081';
export const RETRY_CLIENT_URL = __ENV.RETRY_CLIENT_URL || 'http://localhost:8082';

/** The whole request budget of one k6 run stays small unless asked for more (k6 run -e SCALE=5). */
export const SCALE = Math.max(1, Number(__ENV.SCALE || '1'));

/**
 * Every stage and scenario duration is multiplied by TIME_SCALE (default 1, the durations as written):
 * k6 run -e TIME_SCALE=0.5 runs the same shape in half the time. `npm run test:load` uses a fraction.
 */
export const TIME_SCALE = positive(Number(__ENV.TIME_SCALE || '1'), 'TIME_SCALE');

/** A duration of `seconds` (as written in the script) after TIME_SCALE, in whole seconds, at least 1 s. */
export function duration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds * TIME_SCALE))}s`;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${__ENV[name]}"`);
  return value;
}
