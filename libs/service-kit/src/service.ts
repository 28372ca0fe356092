/**
 * One way to build an HTTP service. Middleware order (one, documented):
 *   probes, /metrics, /admin (never faulted) → metrics → (tracing: the preloaded sidecar) → logging
 *   → faults → body parser → the service's routes → 404 → JSON errors.
 */
import { context } from '@opentelemetry/api';
import express, { type Express, type RequestHandler } from 'express';
import { createAdminRouter, type FaultValidator, FaultSwitches, faultMiddleware, parseFaultsVariable } from '@faultline/faults';
import { createLogger, type Logger, type LogLevel } from '@faultline/tracer';
import { Registry } from 'prom-client';
import { BASE_CONFIG, ConfigError, type ConfigOf, type ConfigSpec, readConfig } from './config';
import { errorHandler, notFoundHandler } from './errors';
import { httpMetricsMiddleware, registerProcessMetrics } from './metrics';
import { probesRouter, Readiness } from './probes';
import { requestLogMiddleware } from './request-log';

export type ServiceConfig<S extends ConfigSpec> = ConfigOf<typeof BASE_CONFIG & S>;

export type ShutdownHook = () => Promise<void> | void;

export interface ServiceContext<S extends ConfigSpec = ConfigSpec> {
  readonly name: string;
  readonly version: string;
  readonly config: ServiceConfig<S>;
  readonly log: Logger;
  readonly registry: Registry;
  readonly faults: FaultSwitches;
  readonly readiness: Readiness;
  /** Runs on SIGTERM after the listener closed, last added first (close broker connections here). */
  onShutdown(hook: ShutdownHook): void;
}

export interface ServiceDefinition<S extends ConfigSpec> {
  /** Service name: logs, metrics and the default OTEL_SERVICE_NAME. */
  name: string;
  /** The service's own settings, added to BASE_CONFIG's. */
  config: S;
  /** Default for PORT. */
  defaultPort: number;
  /** Service-specific fault switches and their validators. */
  faults?: Record<string, FaultValidator>;
  /** Mounts the service's routes (after the fault middleware, with JSON bodies parsed). */
  routes(app: Express, ctx: ServiceContext<S>): void | Promise<void>;
}

export interface Service<S extends ConfigSpec = ConfigSpec> {
  readonly app: Express;
  readonly ctx: ServiceContext<S>;
  readonly shutdownHooks: readonly ShutdownHook[];
}

export interface CreateOptions {
  env?: NodeJS.ProcessEnv;
  /** Fresh registry per test; the process default otherwise. */
  registry?: Registry;
  /** Where log lines go (tests capture them). */
  logWrite?: (line: string) => void;
  /** How the crash fault exits (tests pass their own). */
  exit?: (code: number) => void;
}

/**
 * express.json, continuing in the request's trace context: the parser finishes in the request stream's
 * 'end' event, which runs outside the context the request started in. A request without a body is passed
 * on at once, still inside its context.
 */
function jsonBodies(limit: number): RequestHandler {
  const parse = express.json({ limit });
  return (req, res, next) => {
    const active = context.active();
    let parsing = true;
    parse(req, res, (error?: unknown) => (parsing ? next(error) : context.with(active, next, undefined, error)));
    parsing = false;
  };
}

/** Every setting of a service: the base ones, PORT defaulting to the service's port, and its own. */
export function serviceConfigSpec<S extends ConfigSpec>(definition: ServiceDefinition<S>): ConfigSpec {
  return { ...BASE_CONFIG, port: { ...BASE_CONFIG.port, default: definition.defaultPort }, ...definition.config };
}

/** Builds the app without listening: tests drive it in-process. Throws ConfigError on bad settings. */
export async function createService<S extends ConfigSpec>(
  definition: ServiceDefinition<S>,
  options: CreateOptions = {},
): Promise<Service<S>> {
  const env = options.env ?? process.env;
  const config = readConfig(serviceConfigSpec(definition), env) as ServiceConfig<S>;
  const version = env.SERVICE_VERSION || '0.1.0';
  const log = createLogger({ service: definition.name, level: config.logLevel as LogLevel, write: options.logWrite });
  const registry = options.registry ?? new Registry();
  registerProcessMetrics(registry);
  const faults = new FaultSwitches({
    custom: definition.faults,
    registry,
    exit: options.exit,
    onChange: (spec) => log.warn('faults changed', { faults: spec }),
  });
  const initial = parseFaultsVariable(config.faults, definition.faults);
  if (!initial.ok) throw new ConfigError(initial.problems.map((p) => `FAULTS: ${p}`));
  const readiness = new Readiness(faults);
  const shutdownHooks: ShutdownHook[] = [];
  const ctx: ServiceContext<S> = {
    name: definition.name,
    version,
    config,
    log,
    registry,
    faults,
    readiness,
    onShutdown: (hook) => void shutdownHooks.unshift(hook),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(probesRouter(readiness, faults, version));
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  const admin = createAdminRouter(faults, config.adminToken);
  if (admin) app.use('/admin', admin);
  app.use(httpMetricsMiddleware(registry));
  app.use(requestLogMiddleware(log));
  app.use(faultMiddleware(faults));
  app.use(jsonBodies(config.bodyLimit));
  await definition.routes(app, ctx);
  app.use(notFoundHandler);
  app.use(errorHandler(log));
  if (Object.keys(initial.spec).length) faults.replace(initial.spec);
  return { app, ctx, shutdownHooks };
}
