/**
 * ingress-nginx's `auth-url`: before a request is proxied, a GET subrequest goes to the auth service,
 * its host name resolved by the nginx-style resolver (not the system's). 2xx lets the request through,
 * 401 and 403 are answered as they are, anything else (the name cannot be resolved, the service cannot
 * be reached, another status) is a 500, as nginx answers when the auth request fails.
 */
import { request } from 'node:http';
import { isIP } from 'node:net';
import type { Request } from 'express';
import { HttpError } from '@faultline/service-kit';
import { errorCode, withSpan } from '@faultline/tracer';
import { type NginxResolver, ResolveError } from './nginx-resolver';

export interface AuthTarget {
  url: URL;
  timeoutMs: number;
}

/** Request headers the auth service gets, with nginx's X-Original-* ones. */
const PASSED_TO_AUTH = ['authorization', 'cookie', 'user-agent'];

export class AuthRequestError extends HttpError {
  override readonly name = 'AuthRequestError';
}

function get(ip: string, target: AuthTarget, headers: Record<string, string>): Promise<number> {
  const { url } = target;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: ip, port: url.port || 80, path: `${url.pathname}${url.search}`, method: 'GET', headers: { ...headers, host: url.host }, timeout: target.timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${target.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

function failed(target: AuthTarget, reason: string, code: string, message: string, details: Record<string, unknown> = {}): AuthRequestError {
  return new AuthRequestError(500, 'auth_request_failed', `auth request to ${target.url.href} failed: ${message}`, {
    reason,
    code,
    auth_url: target.url.href,
    ...details,
  });
}

/** Runs the subrequest; resolves when the request may go on, throws an HttpError otherwise. */
export async function authorize(req: Request, target: AuthTarget, resolver: NginxResolver): Promise<void> {
  const host = target.url.hostname;
  let ip = host;
  if (!isIP(host)) {
    try {
      [ip] = await withSpan(`resolve ${host}`, () => resolver.resolve(host), { 'dns.nameserver': resolver.nameserver, 'dns.socket': resolver.local });
    } catch (error) {
      if (!(error instanceof ResolveError)) throw error;
      throw failed(target, error.reason, error.code, error.message, { host, nameserver: error.nameserver, resolver_socket: error.socket });
    }
  }
  const headers: Record<string, string> = { 'x-original-uri': req.originalUrl, 'x-original-method': req.method };
  for (const name of PASSED_TO_AUTH) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  let status: number;
  try {
    status = await get(ip, target, headers);
  } catch (error) {
    const code = errorCode(error);
    throw failed(target, 'auth_unreachable', code, `${code} (${(error as Error).message})`, { host, address: ip });
  }
  if (status >= 200 && status < 300) return;
  if (status === 401) throw new HttpError(401, 'unauthorized', `the auth service at ${target.url.href} answered 401`);
  if (status === 403) throw new HttpError(403, 'forbidden', `the auth service at ${target.url.href} answered 403`);
  throw failed(target, 'auth_unexpected_status', `HTTP_${status}`, `auth request unexpected status: ${status}`, { host, address: ip, status });
}
