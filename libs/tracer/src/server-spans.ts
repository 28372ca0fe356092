/**
 * SERVER spans for incoming HTTP requests, made where Node's http server emits 'request': the caller's
 * context is extracted (B3 per the configured propagators), the span is active while the app handles the
 * request, and it ends when the answer is written (or the client went away).
 *
 * Why not OpenTelemetry's incoming-request instrumentation: it binds the context to every request and
 * response emitter by patching their listener methods, and starts its spans and metrics through the SDK's
 * tracer; with it, product-service spends about 1.2× the CPU per request it spends with this (`npm run bench`,
 * "standard, http only"). The one place a request's context was carried by those bindings, body parsing, is
 * covered by the service kit (see its body parser).
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { type Attributes, context, propagation, ROOT_CONTEXT, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { type ServerSpanSource, startServerSpan } from './server-span';

type ExpressRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

function requestAttributes(req: IncomingMessage): Attributes {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const host = req.headers.host ?? '';
  const portAt = host.lastIndexOf(':');
  const socket = req.socket;
  const attributes: Attributes = {
    'http.request.method': req.method ?? 'GET',
    'url.path': queryAt < 0 ? url : url.slice(0, queryAt),
    'url.scheme': 'http',
    'server.port': (portAt > 0 && Number(host.slice(portAt + 1))) || socket.localPort || 80,
    'network.protocol.version': req.httpVersion,
  };
  if (queryAt >= 0) attributes['url.query'] = url.slice(queryAt + 1);
  if (host) attributes['server.address'] = portAt > 0 ? host.slice(0, portAt) : host;
  if (socket.remoteAddress) attributes['client.address'] = attributes['network.peer.address'] = socket.remoteAddress;
  if (socket.remotePort) attributes['network.peer.port'] = socket.remotePort;
  if (req.headers['user-agent']) attributes['user_agent.original'] = req.headers['user-agent'];
  return attributes;
}

/** The route template Express matched ("/orders/:id"), when it did. */
function routeOf(req: ExpressRequest): string | undefined {
  return typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` || '/' : undefined;
}

/** Ends the span when the response closes: after it was written, or when the client went away first. */
function endSpan(span: Span, req: ExpressRequest, res: ServerResponse): void {
  const route = routeOf(req);
  const method = req.method ?? 'GET';
  span.updateName(route ? `${method} ${route}` : method);
  if (route) span.setAttribute('http.route', route);
  if (!res.writableFinished) {
    span.setAttribute('error.type', 'request_aborted');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection before the answer' });
  } else {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) {
      // An error the app recorded (ECONNREFUSED, say) says more than the status: keep it.
      const recorded = (span as unknown as { attributes?: Attributes }).attributes?.['error.type'];
      if (recorded === undefined) span.setAttribute('error.type', String(res.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
}

/**
 * Traces every http.Server's requests except those `isUntraced` names (probes, scrapes), with spans of the
 * provider `source` describes. A request with none of `traceHeaders` (the headers the propagators read) starts
 * a new trace without asking them. Returns the function that stops it.
 */
export function traceIncomingRequests(
  isUntraced: (url: string | undefined) => boolean,
  source: ServerSpanSource,
  traceHeaders: readonly string[],
): () => void {
  const carriesContext = (headers: IncomingHttpHeaders) => traceHeaders.some((header) => headers[header] !== undefined);
  const original = http.Server.prototype.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  function emit(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'request') return original.call(this, event, ...args);
    const req = args[0] as ExpressRequest;
    const res = args[1] as ServerResponse;
    if (isUntraced(req.url)) return original.call(this, event, ...args);
    const parent = carriesContext(req.headers) ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
    const span = startServerSpan(source, req.method ?? 'GET', requestAttributes(req), parent);
    // 'close' follows 'finish' on every response, and also comes alone when the client went away; it comes once.
    res.on('close', () => endSpan(span, req, res));
    return context.with(trace.setSpan(parent, span), emitRequest, undefined, this, req, res);
  }
  // A plain function, so that the context manager need not bind one to the server for every request.
  function emitRequest(server: http.Server, req: IncomingMessage, res: ServerResponse): boolean {
    return original.call(server, 'request', req, res);
  }
  http.Server.prototype.emit = emit as typeof http.Server.prototype.emit;
  return () => {
    if (http.Server.prototype.emit === emit) http.Server.prototype.emit = original as typeof http.Server.prototype.emit;
  };
}
