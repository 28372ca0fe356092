/**
 * The CI workflows, read as a runner would run them: they parse, every step runs or uses something that
 * exists (pinned actions, scripts present and executable, shell that parses), and the required steps are there.
 */
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { repoPath, run } from './repo';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Workflow {
  name: string;
  on: unknown;
  jobs: Record<string, { 'runs-on': string; steps: Step[]; container?: unknown }>;
}

const load = (file: string) => parse(readFileSync(repoPath('.github', 'workflows', file), 'utf8')) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((job) => job.steps);
const runText = (w: Workflow) => steps(w).map((s) => s.run ?? '').join('\n');
const indexOf = (w: Workflow, pattern: RegExp) => steps(w).findIndex((s) => pattern.test(s.run ?? '') || pattern.test(s.uses ?? ''));

describe('workflows', () => {
  for (const file of ['ci.yml', 'kind.yml']) {
    const workflow = load(file);

    it(`${file}: parses, with triggers and a runner per job`, () => {
      assert.ok(workflow.name && workflow.on);
      for (const [id, job] of Object.entries(workflow.jobs)) {
        assert.ok(job['runs-on'], `${id}: runs-on`);
        assert.ok(job.steps.length > 0, `${id}: steps`);
      }
    });

    it(`${file}: every action is pinned to a version and every step does something`, () => {
      for (const step of steps(workflow)) {
        assert.ok(step.run || step.uses, `step ${step.name ?? '?'} has neither run nor uses`);
        if (step.uses) assert.match(step.uses, /^[\w.-]+\/[\w.-]+@v\d+(\.\d+)*$/, step.uses);
      }
    });

    it(`${file}: every run block is valid bash`, () => {
      for (const step of steps(workflow).filter((s) => s.run)) {
        const result = run('bash', ['-n', '-c', step.run ?? '']);
        assert.equal(result.status, 0, `${step.name}: ${result.stderr}`);
      }
    });

    it(`${file}: every repository script it calls exists and is executable`, () => {
      for (const match of runText(workflow).matchAll(/(?:^|\s)((?:scripts|e2e|tools)\/[\w./-]+)/g)) {
        const file = repoPath(match[1]);
        assert.ok(existsSync(file), `${match[1]} does not exist`);
        if (match[1].endsWith('.sh')) accessSync(file, constants.X_OK);
      }
    });
  }

  it('ci.yml: npm ci, then nx run-many build lint typecheck test, with RabbitMQ and the README packages', () => {
    const ci = load('ci.yml');
    const install = indexOf(ci, /^npm ci$/m);
    const all = indexOf(ci, /nx run-many -t build lint typecheck test/);
    assert.ok(install >= 0 && all > install, 'npm ci before nx run-many');
    assert.match(runText(ci), /apt-get install[\s\S]*chromium[\s\S]*prometheus[\s\S]*dnsutils[\s\S]*shellcheck[\s\S]*rabbitmq-server/);
    // The tests start their own broker (tools/run-tests.mjs --with-broker): no system broker is started.
    assert.doesNotMatch(runText(ci), /rabbitmq-server -detached/);
  });

  it('kind.yml: cluster -> images loaded -> helm install -> helm test -> k6 smoke -> every scenario, in that order', () => {
    const kind = load('kind.yml');
    const order = [
      /^npm ci$/m,
      /kind\.sigs\.k8s\.io\/dl\//,
      /scripts\/cluster\/create-cluster\.sh/,
      /scripts\/cluster\/build-images\.sh/,
      /scripts\/cluster\/install\.sh/,
      /scripts\/cluster\/helm-test\.sh/,
      /^grafana\/setup-k6-action@/,
      /k6 run e2e\/k6\/smoke\.ts/,
      /npx faultline scenario run --all --target kind/,
    ].map((pattern) => {
      const at = indexOf(kind, pattern);
      assert.ok(at >= 0, `missing step ${pattern}`);
      return at;
    });
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'steps out of order');
    const last = steps(kind).at(-1);
    assert.equal(last?.if, 'always()');
    assert.match(last?.run ?? '', /delete-cluster\.sh/);
  });

  it('kind.yml: the scripts it runs load images into kind and install with helm upgrade --install --wait', () => {
    const build = readFileSync(repoPath('scripts/cluster/build-images.sh'), 'utf8');
    assert.match(build, /docker build --build-arg "APP=\$\{app\}"/);
    assert.match(build, /kind load docker-image/);
    const install = readFileSync(repoPath('scripts/cluster/install.sh'), 'utf8');
    assert.match(install, /upgrade --install/);
    assert.match(install, /--wait --timeout/);
    const test = readFileSync(repoPath('scripts/cluster/helm-test.sh'), 'utf8');
    assert.match(test, /"\$\{HELM\}" test /);
  });
});
