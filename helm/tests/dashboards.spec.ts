// The chart's Grafana dashboards, offline: the ConfigMap the Grafana sidecar picks up, the dashboard JSON
// model (ids, grid, datasource variable, targets), and every PromQL expression parsed by Debian's promtool
// (as recording rules, `promtool check rules`). Whether each query returns data against a running lab is
// e2e/src/targets/local/dashboards.spec.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { requireTool, skipWithout } from '@faultline/test-support';
import { CHART } from './repo';
import { HELM_SKIP, render } from './render';

interface Target {
  refId: string;
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string }[] };
}

const DIR = path.join(CHART, 'dashboards');
const files = readdirSync(DIR).filter((file) => file.endsWith('.json'));
const dashboards = files.map((file) => ({ file, dashboard: JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Dashboard }));

describe('Grafana dashboards in the chart', () => {
  it('ships them in a ConfigMap labelled for the Grafana sidecar, byte for byte', { skip: HELM_SKIP }, () => {
    assert.ok(files.length >= 1);
    const configMap = render().get('ConfigMap', 'faultline-dashboards');
    assert.equal(configMap.metadata.labels?.grafana_dashboard, '1');
    assert.deepEqual(Object.keys(configMap.data).sort(), [...files].sort());
    for (const file of files) assert.equal(configMap.data[file], readFileSync(path.join(DIR, file), 'utf8').trimEnd());
  });

  for (const { file, dashboard } of dashboards) {
    it(`${file}: a dashboard model Grafana imports (uid, schemaVersion, unique ids, grid in 24 columns, no overlap)`, () => {
      assert.match(dashboard.uid, /^[a-zA-Z0-9_-]{1,40}$/);
      assert.ok(dashboard.title && dashboard.schemaVersion >= 36);
      const ids = dashboard.panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
      const cells = new Set<string>();
      for (const panel of dashboard.panels) {
        const { x, y, w, h } = panel.gridPos;
        assert.ok(x >= 0 && w > 0 && x + w <= 24 && h > 0 && y >= 0, `${panel.title}: gridPos ${JSON.stringify(panel.gridPos)}`);
        for (let row = y; row < y + h; row += 1) {
          for (let column = x; column < x + w; column += 1) {
            const cell = `${row}:${column}`;
            assert.ok(!cells.has(cell), `${panel.title} overlaps another panel at ${cell}`);
            cells.add(cell);
          }
        }
      }
    });

    it(`${file}: every query panel reads Prometheus through the datasource variable`, () => {
      const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
      assert.deepEqual({ name: variable?.name, query: variable?.query }, { name: 'datasource', query: 'prometheus' });
      const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');
      assert.ok(queryPanels.length >= 8);
      for (const panel of queryPanels) {
        assert.deepEqual(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, panel.title);
        assert.ok(panel.targets?.length, `${panel.title} has queries`);
        const refIds = panel.targets.map((t) => t.refId);
        assert.equal(new Set(refIds).size, refIds.length, `${panel.title}: refIds are unique`);
      }
    });

    it(`${file}: covers RED by route, DNS rcodes and forwarding, resilience attempts and breaker, active faults`, () => {
      const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr).join('\n');
      for (const metric of [
        'http_requests_total',
        'http_request_duration_seconds_bucket',
        'dns_responses_total',
        'dns_forward_responses_total',
        'dns_request_duration_seconds_bucket',
        'resilience_attempts_total',
        'resilience_circuit_breaker_state',
        'faultline_fault_active',
      ]) {
        assert.ok(exprs.includes(metric), `a query on ${metric}`);
      }
      assert.match(exprs, /by \(app, route\)/);
    });

    it(`${file}: every PromQL expression parses (promtool check rules)`, { skip: skipWithout('promtool') }, () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'faultline-dashboard-'));
      try {
        const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr.replaceAll('$__rate_interval', '1m'));
        const rules = exprs.map((expr, index) => `      - record: dashboard:query${index}\n        expr: ${JSON.stringify(expr)}`);
        const file = path.join(dir, 'rules.yml');
        writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
        const check = spawnSync(requireTool('promtool'), ['check', 'rules', file], { encoding: 'utf8' });
        assert.equal(check.status, 0, check.stdout + check.stderr);
        assert.match(check.stdout, new RegExp(`SUCCESS: ${exprs.length} rules found`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
