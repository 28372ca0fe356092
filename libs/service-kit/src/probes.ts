/**
 * Liveness and readiness. /healthz (and /health, as aks-store-demo has it) fails only when the
 * unhealthy fault is on; /readyz fails while shutting down, under the unready fault, or when a
 * readiness check the service added (a broker connection, say) fails.
 */
import express, { type Router } from 'express';
import type { FaultSwitches } from '@faultline/faults';

export type ReadinessCheck = () => boolean | Promise<boolean>;

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  constructor(private readonly faults: FaultSwitches) {}

  /** Adds a named check; /readyz answers 503 while it returns false. */
  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  /** Names of what is failing; empty when ready. */
  async failing(): Promise<string[]> {
    const failing: string[] = [];
    if (this.shuttingDown) failing.push('shutting-down');
    if (this.faults.isOn('unready')) failing.push('fault:unready');
    for (const [name, check] of this.checks) {
      try {
        if (!(await check())) failing.push(name);
      } catch {
        failing.push(name);
      }
    }
    return failing;
  }
}

export function probesRouter(readiness: Readiness, faults: FaultSwitches, version: string): Router {
  const router = express.Router();
  const live = (_req: express.Request, res: express.Response) => {
    if (faults.isOn('unhealthy')) return void res.status(503).json({ status: 'unhealthy', reason: 'fault:unhealthy' });
    res.json({ status: 'ok', version });
  };
  router.get('/healthz', live);
  router.get('/health', live);
  router.get('/readyz', async (_req, res) => {
    const failing = await readiness.failing();
    if (failing.length) return void res.status(503).json({ status: 'not ready', failing });
    res.json({ status: 'ready' });
  });
  return router;
}
