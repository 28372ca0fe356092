// Zipkin's dependency graph of the whole local lab, seen in Lens: after store, demo and retry traffic the
// "Dependencies" page of the lab's trace UI (zipkin-server, in-memory storage) draws store-front →
// product-service and → order-service, order-service → rabbitmq and → myexternalserver.com, front-end →
// business-logic and retry-client → retry-backend. zipkin-server links SERVER spans to their callers, and
// CLIENT/PRODUCER spans without a traced callee (the broker) by their remoteEndpoint. Skips, saying why,
// where java, chromium, the jar or the broker is absent (under CI the tools must be there).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  brokerAvailable,
  drainQueue,
  inCi,
  launchChromium,
  NO_BROKER_MESSAGE,
  pollUntil,
  skipWithout,
  TEST_BROKER_URL,
  uniqueQueue,
} from '@faultline/test-support';
import { httpRequest } from '../../evidence/http';
import { sendLabTraffic, TRAFFIC_APPS, TRAFFIC_LINKS, TRAFFIC_SERVICES, trafficLab } from './lab-traffic';
import { LocalTarget } from './local-target';
import { isBuilt } from './paths';
import { traceUiRuntime } from './trace-ui';

interface DependencyLink {
  parent: string;
  child: string;
  callCount?: number;
  errorCount?: number;
}


const linksOf = (json: unknown) => new Set((json as DependencyLink[]).map((l) => `${l.parent} -> ${l.child}`));

const runtime = traceUiRuntime();
const unbuilt = [...TRAFFIC_APPS, 'dns-server'].filter((app) => !isBuilt(app));
const skip =
  skipWithout(['java', 'chromium']) ||
  (!runtime.ok && !inCi() ? runtime.reason : false) ||
  (unbuilt.length ? `build ${unbuilt.join(', ')} first (node e2e/bin/build-lab.mjs)` : false);

describe('Lens dependency graph of the local lab (zipkin-server, Chromium)', { skip, timeout: 240_000 }, () => {
  const queue = uniqueQueue('orders');
  const target = new LocalTarget({ traceUi: true, prometheus: false });
  const shots = mkdtempSync(path.join(tmpdir(), 'faultline-lens-dependencies-'));
  let broker = false;
  let startedAt = 0;

  before(async () => {
    broker = await brokerAvailable();
    if (!broker) return; // each test skips with NO_BROKER_MESSAGE
    await target.start(trafficLab({ rabbitmqUrl: TEST_BROKER_URL, queueName: queue }));
    startedAt = Date.now();
    await sendLabTraffic(target);
  });
  after(async () => {
    await target.stop();
    if (broker) await drainQueue(queue);
    // FAULTLINE_KEEP_SCREENSHOTS=1 keeps the folder to look at the graph.
    if (!process.env.FAULTLINE_KEEP_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
  });

  it('computes the six links from its in-memory storage', async (t) => {
    if (!broker) return t.skip(NO_BROKER_MESSAGE);
    const ui = target.observability.traceUiUrl;
    assert.ok(ui, target.observability.skipped.join('; '));
    const links = await pollUntil(
      async () => {
        const result = await httpRequest(`${new URL(ui).origin}/api/v2/dependencies?endTs=${Date.now()}&lookback=3600000`);
        const found = result.status === 200 ? linksOf(result.json) : new Set<string>();
        return TRAFFIC_LINKS.every((link) => found.has(link)) ? found : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: `the links ${TRAFFIC_LINKS.join(', ')} at zipkin-server's /api/v2/dependencies` },
    );
    t.diagnostic(`links: ${[...links].sort().join(', ')}`);
  });

  it('draws them on the Dependencies page in Chromium', async (t) => {
    if (!broker) return t.skip(NO_BROKER_MESSAGE);
    const ui = target.observability.traceUiUrl ?? '';
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      const fetched = tab.waitForResponse((response) => response.url().includes('/api/v2/dependencies'), { timeout: 30_000 });
      await tab.goto(`${ui}dependency?startTime=${startedAt - 60_000}&endTime=${Date.now() + 60_000}`);
      const response = await fetched;
      assert.equal(response.status(), 200);
      const drawn = linksOf(await response.json());
      for (const link of TRAFFIC_LINKS) assert.ok(drawn.has(link), `Lens got no ${link} (got ${[...drawn].join(', ')})`);
      await tab.getByTestId('dependencies-graph').waitFor({ timeout: 30_000 });
      // The graph is a canvas; its Filter lists every node Lens drew.
      await tab.getByLabel('Filter').click();
      const options = await pollUntil(
        async () => {
          const names = await tab.getByRole('option').allTextContents();
          return names.length ? names : undefined;
        },
        { timeoutMs: 10_000, what: 'the Filter options of the graph' },
      );
      for (const service of [...TRAFFIC_SERVICES, 'rabbitmq']) {
        assert.ok(options.includes(service), `no node ${service} among ${options.join(', ')}`);
      }
      await tab.keyboard.press('Escape');
      await tab.mouse.move(0, 0);
      const file = path.join(shots, 'lens-dependencies.png');
      await tab.screenshot({ path: file });
      const png = readFileSync(file);
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      assert.ok(png.length > 20_000, `the screenshot should show the graph, not a blank page (${png.length} bytes)`);
      t.diagnostic(`screenshot: ${file} (its folder is removed after the run unless FAULTLINE_KEEP_SCREENSHOTS=1)`);
    } finally {
      await browser.close();
    }
  });
});
