/**
 * Calls business-logic. The sidecar tracer's fetch instrumentation makes the client span and injects the
 * B3 multi headers, so the business-logic spans join the caller's trace.
 */
import { errorCode } from '@faultline/tracer';
import { HttpError } from '@faultline/service-kit';

/** Longest wait for business-logic; above any sensible SLOW_SECONDS. */
const UPSTREAM_TIMEOUT_MS = 120_000;

export async function getFromBusinessLogic(baseUrl: string, path: string): Promise<Record<string, unknown>> {
  const url = new URL(path, baseUrl).toString();
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'TimeoutError') {
      throw new HttpError(504, 'business_logic_timeout', `business-logic did not answer ${url} within ${UPSTREAM_TIMEOUT_MS} ms`);
    }
    throw new HttpError(502, 'business_logic_unavailable', `business-logic unreachable at ${url}: ${code}`, { code });
  }
  if (!response.ok) {
    throw new HttpError(502, 'business_logic_error', `business-logic answered ${response.status} for ${url}`, { status: response.status });
  }
  return (await response.json()) as Record<string, unknown>;
}
