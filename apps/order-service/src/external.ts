/**
 * The call order-service makes to the external server for an order holding product 11. Node's http on a
 * new connection each time (no keep-alive agent), so every order resolves the name through dns.lookup
 * (and so through whatever resolver the process installed there, a trailing-dot FQDN included): a DNS
 * fault shows on the next order, as in the seed, not only once a pooled connection closes. A failure carries the error code (EAI_AGAIN, ENOTFOUND, ECONNREFUSED,
 * ETIMEDOUT, EXTERNAL_STATUS_<status>) on the error and on the span.
 */
import http from 'node:http';
import https from 'node:https';
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
  return (error as { name?: unknown })?.name === 'TimeoutError' || (error as { cause?: { name?: unknown } })?.cause?.name === 'TimeoutError';
}

/** GET on a fresh connection; resolves with the status once the body was read. */
function getOnce(url: string, timeoutMs: number): Promise<number> {
  const client = new URL(url).protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { agent: false, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
      response.once('error', reject);
    });
    request.once('error', reject);
  });
}

export function callExternalServer(url: string, timeoutMs: number): Promise<void> {
  const host = new URL(url).host;
  return withSpan(
    'call external-server',
    async () => {
      let status: number;
      try {
        status = await getOnce(url, timeoutMs);
      } catch (error) {
        const code = isTimeout(error) ? 'ETIMEDOUT' : errorCode(error);
        const detail = isTimeout(error) ? `no answer within ${timeoutMs} ms` : (error as Error).message;
        throw new ExternalCallError(code, `external server ${host} unreachable: ${code}${detail ? ` (${detail})` : ''}`, url, {
          cause: error,
        });
      }
      if (status < 200 || status >= 300) {
        const code = `EXTERNAL_STATUS_${status}`;
        throw new ExternalCallError(code, `external server ${host} answered ${status} (${code})`, url);
      }
    },
    { 'url.full': url, 'server.address': new URL(url).hostname },
  );
}
