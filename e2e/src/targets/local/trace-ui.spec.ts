// The lab's trace UI: Maven Central's zipkin-server (its Lens UI) on the machine's Java, fed by the lab's
// Zipkin receiver. A real slow-page trace is opened in Debian's Chromium and must show data_transformation.
// Skips, saying why, only where java or the jar is absent (scripts/dev/install-zipkin.sh caches the jar).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inCi, launchChromium, pollUntil, skipWithout } from '@faultline/test-support';
import { httpRequest } from '../../evidence/http';
import { tracingLab } from '../../lab/labs';
import { isAlive } from '../../process-alive';
import { LocalTarget } from './local-target';
import { isBuilt } from './paths';
import { traceUiRuntime, zipkinJarPath } from './trace-ui';

describe('trace UI runtime', () => {
  it('names the missing jar and how to get it', () => {
    const runtime = traceUiRuntime('/nonexistent/zipkin-server-3.5.1-exec.jar');
    assert.equal(runtime.ok, false);
    if (!runtime.ok) assert.match(runtime.reason, /zipkin-server-3\.5\.1-exec\.jar .*install-zipkin\.sh/);
  });

  it('looks for the jar where mvn dependency:get leaves it', () => {
    assert.equal(zipkinJarPath('/m2'), '/m2/io/zipkin/zipkin-server/3.5.1/zipkin-server-3.5.1-exec.jar');
  });
});

const runtime = traceUiRuntime();
const unbuilt = ['front-end', 'business-logic', 'dns-server'].filter((app) => !isBuilt(app));
// Missing tools follow the project's policy (skip here, fail under CI); so does a missing jar (CI fetches it).
const skip =
  skipWithout(['java', 'chromium']) ||
  (!runtime.ok && !inCi() ? runtime.reason : false) ||
  (unbuilt.length ? `build ${unbuilt.join(', ')} first (node e2e/bin/build-lab.mjs)` : false);

describe('trace UI in the local lab (zipkin-server Lens, Chromium)', { skip, timeout: 180_000 }, () => {
  const target = new LocalTarget({ traceUi: true, prometheus: false });
  const shots = mkdtempSync(path.join(tmpdir(), 'faultline-trace-ui-'));
  let uiPid: number | undefined;

  before(async () => {
    await target.start(tracingLab({ slowSeconds: 1 }));
  });
  after(async () => {
    await target.stop();
    rmSync(shots, { recursive: true, force: true });
  });

  it('runs zipkin-server on the lab address and links front-end traces to it', async () => {
    assert.match(target.observability.traceUiUrl ?? '', /^http:\/\/127\.\d+\.0\.16:9411\/zipkin\/$/, target.observability.skipped.join('; '));
    const memory = await target.memory();
    const jvm = memory.byPod['trace UI (zipkin-server JVM)'];
    assert.ok(jvm > 50e6 && jvm < 400e6, `the JVM's RSS should be modest, is ${Math.round(jvm / 1e6)} MB`);
    uiPid = target.observability.pids()[0];
    assert.ok(uiPid && isAlive(uiPid));
    const frontEnd = (await target.pods('front-end'))[0];
    const environ = readFileSync(`/proc/${frontEnd.pid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes(`TRACE_URL_TEMPLATE=${target.observability.traceUiUrl}traces/{traceId}`), 'front-end gets the trace link template');
  });

  it('opens the slow-page trace in Chromium, showing data_transformation', async () => {
    const page = await httpRequest(`${target.serviceUrl('front-end')}/slow-page`, { timeoutMs: 10_000 });
    assert.equal(page.status, 200, page.body);
    const traceId = String(page.headers['x-trace-id'] ?? '');
    assert.match(traceId, /^[0-9a-f]{16,32}$/);
    const ui = target.observability.traceUiUrl ?? '';
    // The harness's own Zipkin API holds it, and the UI got the same spans.
    await pollUntil(async () => (await target.trace(traceId))?.some((s) => s.name === 'data_transformation'), { timeoutMs: 10_000, what: 'the trace at the lab receiver' });
    const api = await pollUntil(
      async () => {
        const result = await httpRequest(`${new URL(ui).origin}/api/v2/trace/${traceId}`);
        return result.status === 200 && (result.json as { name?: string }[]).some((s) => s.name === 'data_transformation') ? result : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: `trace ${traceId} in zipkin-server` },
    );
    assert.ok((api.json as unknown[]).length >= 3);

    const browser = await launchChromium();
    try {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await tab.goto(`${ui}traces/${traceId}`);
      await tab.getByText('data_transformation').first().waitFor({ timeout: 30_000 });
      const file = path.join(shots, 'slow-page-trace.png');
      await tab.screenshot({ path: file, fullPage: true });
      const png = readFileSync(file);
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      assert.ok(png.length > 10_000, 'the screenshot should show the waterfall, not a blank page');
      assert.match(await tab.content(), /business-logic/);
    } finally {
      await browser.close();
    }
  });

  it('stops the JVM with the lab', async () => {
    await target.stop();
    assert.ok(uiPid && !isAlive(uiPid), `the JVM (pid ${uiPid}) should be gone`);
  });
});
