// Every query of the chart's Grafana dashboards returns data against the local lab's Prometheus (Debian's),
// after the traffic a demo makes: the slow page, calls through the resilient client to a failing backend,
// a name resolved through the cluster DNS and forwarded upstream, a fault switched on.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inCi, pollUntil, skipWithout } from '@faultline/test-support';
import { httpRequest } from '../../evidence/http';
import { mergeLabs, resilienceLab, tracingLab } from '../../lab/labs';
import { LocalTarget } from './local-target';
import { isBuilt, WORKSPACE_ROOT } from './paths';
import { prometheusRuntime } from './prometheus';

const DIR = path.join(WORKSPACE_ROOT, 'helm', 'faultline', 'dashboards');
/** Grafana's $__rate_interval is at least four scrape intervals; the lab scrapes each second. */
const RATE_INTERVAL = '30s';

interface Query {
  dashboard: string;
  panel: string;
  expr: string;
}

function dashboardQueries(): Query[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.json'))
    .flatMap((file) => {
      const dashboard = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
      return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((t) => ({ dashboard: file, panel: panel.title, expr: t.expr.replaceAll('$__rate_interval', RATE_INTERVAL) })));
    });
}

const runtime = prometheusRuntime();
const apps = ['front-end', 'business-logic', 'retry-client', 'retry-backend', 'dns-server'];
const unbuilt = apps.filter((app) => !isBuilt(app));
const skip = skipWithout('promtool') || (!runtime.ok && !inCi() ? runtime.reason : false) || (unbuilt.length ? `build ${unbuilt.join(', ')} first (node e2e/bin/build-lab.mjs)` : false);

describe('dashboard queries against the local lab', { skip, timeout: 180_000 }, () => {
  const target = new LocalTarget({ traceUi: false });

  before(async () => {
    await target.start(mergeLabs(tracingLab({ slowSeconds: 0.2 }), resilienceLab({ hangSeconds: 1, clientEnv: { BREAKER_ENABLED: 'true', BREAKER_FAILURE_THRESHOLD: '50' } })));
  });
  after(() => target.stop());

  /** How many series an instant query returns (Prometheus' HTTP API). */
  const samplesOf = async (expr: string): Promise<number> => {
    const result = await httpRequest(`${target.observability.prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    assert.equal(result.status, 200, `${expr}: ${result.body}`);
    return (result.json as { data: { result: unknown[] } }).data.result.length;
  };

  it('returns data for every query once the lab has had traffic', async () => {
    assert.ok(target.observability.prometheusUrl, target.observability.skipped.join('; '));
    await target.setFaults('front-end', { latency: { ms: 5 } });
    const traffic = async () => {
      await httpRequest(`${target.serviceUrl('front-end')}/slow-page`, { timeoutMs: 5_000 });
      await Promise.all(Array.from({ length: 5 }, () => httpRequest(`${target.serviceUrl('retry-client')}/call?failRate=50&mode=busy`, { timeoutMs: 5_000 })));
      // Not a cluster name: NXDOMAIN for the search-list expansions, then forwarded to the upstream DNS.
      await target.podRequest('http://no-such-host.example:8080/', { timeoutMs: 3_000 });
    };
    const queries = dashboardQueries();
    assert.ok(queries.length >= 10);
    let empty: Query[] = queries;
    await pollUntil(
      async () => {
        await traffic();
        const results = await Promise.all(empty.map(async (query) => ({ query, samples: await samplesOf(query.expr) })));
        empty = results.filter((r) => r.samples === 0).map((r) => r.query);
        return empty.length === 0;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, what: 'data for every dashboard query' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nno data:\n${empty.map((q) => `  ${q.panel}: ${q.expr}`).join('\n')}`);
    });
    await target.clearFaults('front-end');
  });
});
