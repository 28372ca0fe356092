/**
 * The service kit: typed config, probes, /metrics, JSON errors, fault switches, request logs and
 * graceful shutdown, so that a service is a definition plus its routes.
 */
export { BASE_CONFIG, ConfigError, describeConfig, readConfig, type ConfigOf, type ConfigSpec, type Setting } from './config';
export { errorHandler, HttpError, notFoundHandler, sendError, validationError, type FieldProblem } from './errors';
export { httpMetricsMiddleware, registerProcessMetrics, routeLabel } from './metrics';
export { Readiness, type ReadinessCheck } from './probes';
export { listen, runService, type RunningService } from './run';
export {
  createService,
  type CreateOptions,
  type Service,
  type ServiceConfig,
  type ServiceContext,
  type ServiceDefinition,
  type ShutdownHook,
} from './service';
