/**
 * auth-proxy: the ingress-nginx controller of seed 003, with the `auth-url` annotation. Every request
 * first makes an auth subrequest to AUTH_URL, whose host name is resolved the way nginx's `resolver`
 * resolves it (one long-lived connected UDP socket to the name server read at start and on reload),
 * then goes to UPSTREAM_URL. A failed auth subrequest is a 500 JSON error naming the reason, logged with
 * its error code. `POST /admin/reload` (admin token) or SIGHUP re-creates the resolver socket, as
 * `nginx -s reload` does; `GET /admin/resolver` shows the name server and the socket in use.
 */
import { trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { Counter } from 'prom-client';
import { bearerAuth } from '@faultline/faults';
import { HttpError, type ServiceDefinition } from '@faultline/service-kit';
import { authorize } from './auth-request';
import { ReloadableResolver } from './reloadable-resolver';
import { proxyToUpstream } from './upstream';

const config = {
  authUrl: { env: 'AUTH_URL', type: 'url', default: 'http://auth.default.svc.cluster.local:8080/', help: 'auth service the subrequest goes to (ingress-nginx auth-url)' },
  upstreamUrl: { env: 'UPSTREAM_URL', type: 'url', default: 'http://echo.default.svc.cluster.local:8080', help: 'where authorized requests are proxied' },
  resolver: {
    env: 'RESOLVER',
    type: 'string',
    help: 'name server ip[:port] of the nginx-style resolver; default: the first nameserver of RESOLV_CONF, else of /etc/resolv.conf',
  },
  resolverTimeoutMs: { env: 'RESOLVER_TIMEOUT_MS', type: 'int', min: 1, max: 60_000, default: 1000, help: 'wait for a DNS reply (nginx resolver_timeout)' },
  resolverValidMs: { env: 'RESOLVER_VALID_MS', type: 'int', min: 0, max: 3_600_000, default: 30_000, help: 'how long an answer is used (nginx resolver valid=, ingress-nginx: 30s)' },
  authTimeoutMs: { env: 'AUTH_TIMEOUT_MS', type: 'int', min: 1, default: 5000, help: 'auth subrequest timeout' },
  upstreamTimeoutMs: { env: 'UPSTREAM_TIMEOUT_MS', type: 'int', min: 1, default: 5000, help: 'upstream request timeout' },
} as const;

export function authProxy(): ServiceDefinition<typeof config> {
  return {
    name: 'auth-proxy',
    defaultPort: 8080,
    config,
    async routes(app, ctx) {
      const { config: settings, log } = ctx;
      const resolver = new ReloadableResolver({
        resolver: settings.resolver,
        resolvConf: settings.resolvConf,
        bindAddress: settings.host,
        timeoutMs: settings.resolverTimeoutMs,
        validMs: settings.resolverValidMs,
      });
      const opened = await resolver.open();
      log.info('resolver socket open', { nameserver: opened.nameserver, resolver_socket: opened.socket });
      ctx.onShutdown(() => resolver.close());

      const authRequests = new Counter({
        name: 'auth_proxy_auth_requests_total',
        help: 'auth subrequests by outcome (allowed, denied, failed) and reason',
        labelNames: ['outcome', 'reason'],
        registers: [ctx.registry],
      });
      const reloads = new Counter({ name: 'auth_proxy_reloads_total', help: 'resolver reloads (nginx -s reload)', registers: [ctx.registry] });

      const reload = async (trigger: string) => {
        const { before, after } = await resolver.reload();
        reloads.inc();
        log.info('reloaded: resolver socket re-created', {
          trigger,
          nameserver: after.nameserver,
          old_socket: before.socket,
          new_socket: after.socket,
          old_nameserver: before.nameserver,
        });
        return { before, after };
      };
      const onHangup = () => void reload('SIGHUP').catch((error) => log.error('reload failed', { error }));
      process.on('SIGHUP', onHangup);
      ctx.onShutdown(() => void process.off('SIGHUP', onHangup));

      if (settings.adminToken) {
        const admin = bearerAuth(settings.adminToken);
        app.get('/admin/resolver', admin, (_req, res) => void res.json(resolver.current.stats()));
        app.post('/admin/reload', admin, async (_req, res) => {
          const { before, after } = await reload('POST /admin/reload');
          res.json({ reloaded: true, before, after });
        });
      }

      const authTarget = { url: new URL(settings.authUrl), timeoutMs: settings.authTimeoutMs };
      const upstream = new URL(settings.upstreamUrl);
      app.all('/{*path}', async (req: Request, res: Response, next: NextFunction) => {
        try {
          await authorize(req, authTarget, resolver.current);
        } catch (error) {
          if (!(error instanceof HttpError)) return next(error);
          const failed = error.status >= 500;
          authRequests.inc({ outcome: failed ? 'failed' : 'denied', reason: String(error.details.reason ?? error.code) });
          if (failed) {
            const code = String(error.details.code);
            trace.getActiveSpan()?.setAttribute('error.type', code);
            log.error('auth request failed', { code, method: req.method, path: req.originalUrl, ...error.details, error: error.message });
          }
          return next(error);
        }
        authRequests.inc({ outcome: 'allowed', reason: 'ok' });
        await proxyToUpstream(req, res, upstream, settings.upstreamTimeoutMs);
      });
    },
  };
}
