/**
 * Test helpers (the `@faultline/service-kit/testing` entry): serve a service on an ephemeral loopback
 * port, capture its log lines, and poll with a deadline.
 */
import { Registry } from 'prom-client';
import type { ConfigSpec } from '../config';
import { listen, type RunningService } from '../run';
import { createService, type ServiceDefinition } from '../service';

export interface TestService<S extends ConfigSpec> extends RunningService<S> {
  /** Log lines written so far, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Exit codes the crash fault asked for. */
  readonly exits: number[];
}

/** Starts `definition` on 127.0.0.1 with a fresh registry; PORT defaults to an ephemeral port. */
export async function startTestService<S extends ConfigSpec>(
  definition: ServiceDefinition<S>,
  env: Record<string, string> = {},
): Promise<TestService<S>> {
  const logs: Record<string, unknown>[] = [];
  const exits: number[] = [];
  const service = await createService(definition, {
    env: { HOST: '127.0.0.1', PORT: '0', ...env },
    registry: new Registry(),
    logWrite: (line) => void logs.push(JSON.parse(line)),
    exit: (code) => void exits.push(code),
  });
  const running = await listen(service);
  return Object.assign(running, { logs, exits });
}

export { pollUntil } from '@faultline/test-support';
