/**
 * The call order-service makes to the external server for an order holding product 11. Plain fetch:
 * names resolve through dns.lookup (and so through whatever resolver the process installed there), a
 * trailing-dot FQDN included. A failure carries the error code (EAI_AGAIN, ENOTFOUND, ECONNREFUSED,
 * ETIMEDOUT, EXTERNAL_STATUS_<status>) on the error and on the span.
 */
import { errorCode, withSpan } from '@faultline/tracer';

/** The product whose orders need the external server ("Inspektor Gadget"). */
export const EXTERNAL_PRODUCT_ID = 11;

export class ExternalCallError extends Error {
  override readonly name = 'ExternalCallError';
  constructor(
    readonly code: string,
    message: string,
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

function isTimeout(error: unknown): boolean {
  return (error as { name?: unknown })?.name === 'TimeoutError';
}

export function callExternalServer(url: string, timeoutMs: number): Promise<void> {
  const host = new URL(url).host;
  return withSpan(
    'call external-server',
    async () => {
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const code = isTimeout(error) ? 'ETIMEDOUT' : errorCode(error);
        const detail = isTimeout(error) ? `no answer within ${timeoutMs} ms` : ((error as Error).cause as Error | undefined)?.message;
        throw new ExternalCallError(code, `external server ${host} unreachable: ${code}${detail ? ` (${detail})` : ''}`, url, {
          cause: error,
        });
      }
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) {
        const code = `EXTERNAL_STATUS_${response.status}`;
        throw new ExternalCallError(code, `external server ${host} answered ${response.status} (${code})`, url);
      }
    },
    { 'url.full': url, 'server.address': new URL(url).hostname },
  );
}
