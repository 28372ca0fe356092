/**
 * Forwarding to an upstream, as aks-store-demo's nginx does: method, path, query and body go through;
 * the upstream's answer (2xx, 4xx or 5xx) comes back as it is. When the upstream cannot be reached
 * the answer is store-front's own JSON error carrying the error code (ECONNREFUSED, EAI_AGAIN, ...),
 * logged and recorded on the span: 502 upstream_unreachable, or 504 upstream_timeout.
 */
import { trace } from '@opentelemetry/api';
import type { Request, Response } from 'express';
import { HttpError } from '@faultline/service-kit';
import { errorCode, type Logger, recordError } from '@faultline/tracer';

export interface Upstream {
  /** Service name, in errors, logs and the span name. */
  name: string;
  baseUrl: string;
  timeoutMs: number;
}

/** Request headers worth passing on. Host, connection and the like are the hop's own; credentials stay here. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'accept-language', 'content-type', 'user-agent'];
/** Response headers not passed back: they describe the upstream hop, not the content. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'date']);

export function upstreamUrl(baseUrl: string, path: string, query: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}${query}`;
}

async function requestBody(req: Request): Promise<BodyInit | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  // express.json (the kit's) already parsed a JSON body; anything else is still on the stream.
  if (req.body !== undefined) return JSON.stringify(req.body);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

function isTimeout(error: unknown): boolean {
  return (error as { name?: unknown })?.name === 'TimeoutError';
}

export class UpstreamError extends HttpError {
  override readonly name = 'UpstreamError';
}

function unreachable(upstream: Upstream, url: string, error: unknown): UpstreamError {
  const timedOut = isTimeout(error);
  const code = timedOut ? 'ETIMEDOUT' : errorCode(error);
  const cause = ((error as Error).cause as Error | undefined)?.message;
  const detail = timedOut ? `no answer within ${upstream.timeoutMs} ms` : cause;
  const message = `${upstream.name} ${timedOut ? 'timed out' : 'unreachable'}: ${code}${detail ? ` (${detail})` : ''}`;
  return new UpstreamError(timedOut ? 504 : 502, timedOut ? 'upstream_timeout' : 'upstream_unreachable', message, {
    upstream: upstream.name,
    code,
    url,
  });
}

/** Forwards `req` to `path` on the upstream and answers `res` with what came back. */
export async function forward(upstream: Upstream, path: string, req: Request, res: Response, log: Logger): Promise<void> {
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  const url = upstreamUrl(upstream.baseUrl, path, query);
  // A new connection per request, as nginx's proxy_pass without `keepalive` upstreams: a request after a Service
  // edit goes where the Service now points, not down a connection opened before it.
  const headers: Record<string, string> = { connection: 'close' };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  const body = await requestBody(req);
  const requestSpan = trace.getActiveSpan();
  const answer = await trace
    .getTracer('store-front')
    .startActiveSpan(
      `proxy ${upstream.name}`,
      { attributes: { 'upstream.name': upstream.name, 'url.full': url, 'http.request.method': req.method } },
      async (span) => {
        try {
          const response = await fetch(url, { method: req.method, headers, body, signal: AbortSignal.timeout(upstream.timeoutMs) });
          span.setAttribute('http.response.status_code', response.status);
          return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
        } catch (error) {
          const failure = unreachable(upstream, url, error);
          const code = String(failure.details.code);
          recordError(span, Object.assign(new Error(failure.message, { cause: error }), { code }));
          requestSpan?.setAttribute('error.type', code);
          log.error('upstream request failed', { upstream: upstream.name, code, url, method: req.method, error: failure.message });
          throw failure;
        } finally {
          span.end();
        }
      },
    );
  res.status(answer.status);
  answer.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) res.setHeader(name, value);
  });
  res.end(answer.body);
}
