/**
 * Proxying an authorized request to the upstream: method, path, query and body go through; the answer
 * comes back as it is. The upstream's name resolves through the process's resolver (the pod's
 * resolv.conf, a new socket per lookup), as ingress-nginx reaches its upstreams by endpoint addresses
 * rather than through its `resolver`. An unreachable upstream is a 502 JSON error with the code.
 */
import type { Request, Response } from 'express';
import { HttpError } from '@faultline/service-kit';
import { errorCode } from '@faultline/tracer';

const FORWARDED_REQUEST_HEADERS = ['accept', 'accept-language', 'content-type', 'user-agent'];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'date']);

export async function proxyToUpstream(req: Request, res: Response, upstream: URL, timeoutMs: number): Promise<void> {
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  const url = `${upstream.origin}${upstream.pathname.replace(/\/+$/, '')}${req.path}${query}`;
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  let body: string | undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }
  let answer: globalThis.Response;
  try {
    answer = await fetch(url, { method: req.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const code = (error as Error).name === 'TimeoutError' ? 'ETIMEDOUT' : errorCode(error);
    throw new HttpError(502, 'upstream_unreachable', `upstream ${url} unreachable: ${code}`, { code, url });
  }
  res.status(answer.status);
  answer.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) res.setHeader(name, value);
  });
  res.end(Buffer.from(await answer.arrayBuffer()));
}
