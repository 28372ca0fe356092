/**
 * Listening and stopping. On SIGTERM or SIGINT: /readyz answers 503, wait SHUTDOWN_DELAY_MS, stop
 * accepting, let in-flight requests finish (at most SHUTDOWN_TIMEOUT_MS), run the shutdown hooks,
 * flush spans, exit 0.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { loadResolvConf, installPodResolver } from '@faultline/pod-resolver';
import { shutdownTracing } from '@faultline/tracer';
import { ConfigError, type ConfigSpec } from './config';
import { serviceHelp } from './help-table';
import { type CreateOptions, createService, type Service, type ServiceDefinition, serviceConfigSpec } from './service';

export interface RunningService<S extends ConfigSpec = ConfigSpec> {
  readonly service: Service<S>;
  readonly server: Server;
  /** e.g. http://127.0.0.1:3002 */
  readonly url: string;
  /** The graceful shutdown SIGTERM runs; resolves when everything is closed (it does not exit). */
  stop(): Promise<void>;
}

export function listen<S extends ConfigSpec>(service: Service<S>): Promise<RunningService<S>> {
  const { config, log, readiness, faults } = service.ctx;
  return new Promise((resolve, reject) => {
    const server = service.app.listen(config.port, config.host);
    server.once('error', reject);
    server.once('listening', () => {
      const { port, address } = server.address() as AddressInfo;
      const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      log.info('listening', { url, address, port });
      let stopping: Promise<void> | undefined;
      const stop = () => {
        stopping ??= (async () => {
          readiness.markShuttingDown();
          log.info('shutting down: not ready, draining', { delay_ms: config.shutdownDelayMs });
          await delay(config.shutdownDelayMs);
          faults.dispose();
          const closed = new Promise<void>((done) => server.close(() => done()));
          server.closeIdleConnections();
          const timeout = delay(config.shutdownTimeoutMs, 'timeout' as const, { ref: false });
          if ((await Promise.race([closed, timeout])) === 'timeout') {
            log.warn('in-flight requests did not finish in time; closing their connections', {
              timeout_ms: config.shutdownTimeoutMs,
            });
            server.closeAllConnections();
            await closed;
          }
          for (const hook of service.shutdownHooks) {
            try {
              await hook();
            } catch (error) {
              log.error('shutdown hook failed', { error });
            }
          }
          log.info('stopped');
        })();
        return stopping;
      };
      resolve({ service, server, url, stop });
    });
  });
}

/** With RESOLV_CONF set, every host name the process resolves goes through the pod-style resolver. */
function usePodResolver(service: Service<ConfigSpec>): void {
  const path = service.ctx.config.resolvConf;
  if (!path) return;
  let resolv;
  try {
    resolv = loadResolvConf(path);
  } catch (error) {
    throw new ConfigError([`RESOLV_CONF="${path}" cannot be read: ${(error as Error).message}`]);
  }
  // A pod's resolver sends from the pod's own address: the DNS server's query log names the pod.
  const host = service.ctx.config.host;
  if (host !== '0.0.0.0' && host !== '::' && host !== '') resolv = { ...resolv, sourceAddress: host };
  installPodResolver(resolv);
  service.ctx.log.info('resolving names as a pod would', {
    resolv_conf: path,
    nameservers: resolv.nameservers.map((n) => `${n.host}:${n.port}`),
    search: resolv.search,
    ndots: resolv.ndots,
  });
}

/**
 * The whole life of a service process: read config (exit 78 with the problems on bad values), listen,
 * stop gracefully on SIGTERM/SIGINT and exit 0. `--help` prints the settings.
 */
export async function runService<S extends ConfigSpec>(definition: ServiceDefinition<S>, options: CreateOptions = {}): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(serviceHelp(definition.name, serviceConfigSpec(definition)));
    return;
  }
  let running: RunningService<S>;
  try {
    const service = await createService(definition, options);
    usePodResolver(service);
    running = await listen(service);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `failed to start: ${(error as Error).message}`;
    process.stderr.write(`${JSON.stringify({ level: 'fatal', service: definition.name, msg: message })}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  }
  const onSignal = (signal: NodeJS.Signals) => {
    running.service.ctx.log.info('signal received', { signal });
    running
      .stop()
      .then(() => shutdownTracing())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
