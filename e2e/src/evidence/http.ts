/**
 * One HTTP request with what a troubleshooter wants from it: status, body, time taken, and on
 * failure the socket-level error code (ECONNREFUSED, EAI_AGAIN, ETIMEDOUT...) instead of a stack.
 */
import http from 'node:http';

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** JSON-encoded when not a string. */
  body?: unknown;
  timeoutMs?: number;
  /** Connect to this address instead of resolving the URL's host (the Host header keeps the name). */
  connectTo?: string;
}

export interface HttpResult {
  url: string;
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json?: unknown;
  durationMs: number;
  /** Socket-level error code when no response came: ECONNREFUSED, ETIMEDOUT, ENOTFOUND, EAI_AGAIN... */
  errorCode?: string;
  errorMessage?: string;
}

/** A request on a fresh connection (no keep-alive pool), so each one is balanced by the Service anew. */
export function httpRequest(url: string, options: RequestOptions = {}): Promise<HttpResult> {
  const started = performance.now();
  const target = new URL(url);
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return new Promise((resolve) => {
    const finish = (result: Omit<HttpResult, 'url' | 'durationMs'>) =>
      resolve({ url, durationMs: Math.round(performance.now() - started), ...result });
    const req = http.request(
      {
        protocol: target.protocol,
        hostname: options.connectTo ?? target.hostname,
        port: target.port || 80,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: { host: target.host, ...headers },
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) =>
          finish({ headers: res.headers, body: Buffer.concat(chunks).toString(), status: res.statusCode, errorCode: error.code ?? 'ERESPONSE', errorMessage: error.message }),
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          if ((res.headers['content-type'] ?? '').includes('json')) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          finish({ status: res.statusCode, headers: res.headers, body: text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no response within ${options.timeoutMs ?? 10_000} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => finish({ headers: {}, body: '', errorCode: error.code ?? 'EREQUEST', errorMessage: error.message }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** "201", or "ECONNREFUSED" when there was no response: the outcome in one word. */
export function outcome(result: HttpResult): string {
  return result.status !== undefined ? String(result.status) : (result.errorCode ?? 'error');
}
