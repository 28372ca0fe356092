/**
 * Exponential backoff with "equal jitter": before retry n (n = 1 for the first retry) wait between half
 * and all of min(maxMs, baseMs * 2^(n-1)). The jitter spreads retries of many callers apart; the floor
 * keeps a retry from hitting a struggling backend at once.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Uniform in [0, 1); Math.random by default. */
  random?: () => number;
}

export function backoffDelay(retry: number, { baseMs, maxMs, random = Math.random }: BackoffOptions): number {
  if (baseMs <= 0) return 0;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
