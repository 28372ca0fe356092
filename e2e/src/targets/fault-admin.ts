/** The services' fault API (/admin/faults) as both targets call it on every pod of a Deployment. */
import type { HttpResult, RequestOptions } from '../evidence/http';

export const FAULTS_PATH = '/admin/faults';

/** A request to /admin/faults with the lab's admin token. */
export function faultRequest(method: string, body: unknown, adminToken: string): RequestOptions {
  return { method, body, headers: { authorization: `Bearer ${adminToken}` } };
}

/** Each pod's faults from its answer; any answer but 200 fails, naming the Deployment and what it said. */
export function faultsOf(results: HttpResult[], method: string, deployment: string): Record<string, unknown>[] {
  return results.map((result) => {
    if (result.status !== 200) throw new Error(`${method} ${FAULTS_PATH} on ${deployment}: ${result.status ?? result.errorCode} ${result.body}`);
    return (result.json as { faults: Record<string, unknown> }).faults;
  });
}
