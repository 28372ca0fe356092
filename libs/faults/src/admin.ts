/**
 * GET/PUT/DELETE /admin/faults and /admin/faults/:name, behind `Authorization: Bearer <token>`.
 * Without a token configured there is no admin router at all (createAdminRouter returns undefined).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { FaultSwitches } from './switches';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function bearerAuth(token: string) {
  const expected = digest(token);
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match && timingSafeEqual(digest(match[1].trim()), expected)) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="faultline-admin"')
      .json({ error: 'unauthorized', message: 'admin routes need Authorization: Bearer <ADMIN_TOKEN>' });
  };
}

export function createAdminRouter(switches: FaultSwitches, token: string | undefined): Router | undefined {
  if (!token) return undefined;
  const router = express.Router();
  router.use(bearerAuth(token));
  router.use(express.json({ limit: '64kb', strict: false }));
  const answer = (res: Response) => res.json({ faults: switches.current(), known: switches.knownFaults() });

  router.get('/faults', (_req, res) => answer(res));
  router.put('/faults', (req, res) => {
    const result = switches.replace(req.body ?? {});
    if (!result.ok) return void res.status(400).json({ error: 'invalid_faults', message: result.problems.join('; '), problems: result.problems });
    answer(res);
  });
  router.delete('/faults', (_req, res) => {
    switches.clear();
    answer(res);
  });
  router.get('/faults/:name', (req, res) => {
    if (!switches.knownFaults().includes(req.params.name)) {
      return void res.status(404).json({ error: 'unknown_fault', message: `no fault named "${req.params.name}"` });
    }
    res.json({ name: req.params.name, value: switches.get(req.params.name) ?? null });
  });
  router.put('/faults/:name', (req, res) => {
    const result = switches.set(req.params.name, req.body);
    if (!result.ok) return void res.status(400).json({ error: 'invalid_faults', message: result.problems.join('; '), problems: result.problems });
    answer(res);
  });
  router.delete('/faults/:name', (req, res) => {
    switches.clear(req.params.name);
    answer(res);
  });
  return router;
}
