// runScenarios side by side, with scenarios whose steps only wait: a stand-in target (start/stop only),
// because what is checked here is the scheduling and the lab's teardown, not a lab. Side by side is shown by
// the order of the steps' start and end events, never by a wall time (the machine may be busy).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Target } from '../targets/target';
import { type Scenario, StepNotRunError } from './model';
import { runScenario, runScenarios } from './runner';

function waitingScenario(id: string, wait: number | (() => Promise<void>), log: string[], typicalSeconds?: number): Scenario {
  return {
    id,
    seed: '000',
    title: id,
    breaks: '',
    symptom: '',
    fix: '',
    targets: ['local'],
    typicalSeconds,
    lab: () => ({ deployments: [], services: [] }),
    steps: [
      {
        phase: 'symptom',
        title: 'wait',
        async run() {
          log.push(`start ${id}`);
          await (typeof wait === 'number' ? new Promise((resolve) => setTimeout(resolve, wait)) : wait());
          log.push(`end ${id}`);
        },
      },
    ],
  };
}

const standInTarget = () => ({ start: async () => undefined, stop: async () => undefined }) as unknown as Target;

describe('runScenarios', () => {
  it('runs one after another in the given order by default', async () => {
    const log: string[] = [];
    const scenarios = [waitingScenario('a', 20, log), waitingScenario('b', 5, log, 40)];
    const results = await runScenarios(scenarios, { targetName: 'local', createTarget: standInTarget });
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
    assert.deepEqual(results.map((r) => `${r.id} ${r.status}`), ['a passed', 'b passed']);
  });

  it('side by side: never more than `jobs` at once, the longest first, results in the given order', async () => {
    const log: string[] = [];
    // The long one ends only once the three short ones have ended (or, were they not run beside it, after 10 s:
    // then its end comes before their start and the order below says so).
    let shortsEnded = 0;
    let releaseLong: () => void = () => undefined;
    const longMayEnd = new Promise<void>((resolve) => (releaseLong = resolve));
    const short = (id: string, typicalSeconds?: number) =>
      waitingScenario(id, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (++shortsEnded === 3) releaseLong();
      }, log, typicalSeconds);
    const long = waitingScenario('long', async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([longMayEnd, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
      clearTimeout(timer);
    }, log, 45);
    const scenarios = [short('short-1', 1), short('short-2', 2), long, short('short-3')];
    const results = await runScenarios(scenarios, { targetName: 'local', createTarget: standInTarget }, 2);
    assert.deepEqual(log.slice(0, 2), ['start long', 'start short-2']);
    let running = 0;
    let most = 0;
    for (const entry of log) {
      running += entry.startsWith('start') ? 1 : -1;
      most = Math.max(most, running);
    }
    assert.equal(most, 2);
    assert.deepEqual(results.map((r) => r.id), ['short-1', 'short-2', 'long', 'short-3']);
    assert.ok(results.every((r) => r.status === 'passed'));
    const during = log.slice(log.indexOf('start long') + 1, log.indexOf('end long'));
    for (const id of ['short-1', 'short-2', 'short-3']) {
      assert.ok(during.includes(`start ${id}`) && during.includes(`end ${id}`), `${id} ran beside the long one: ${log.join(', ')}`);
    }
  });
});

describe('runScenario: the lab\'s teardown', () => {
  const passing = (cleanup?: () => Promise<void>): Scenario => ({ ...waitingScenario('teardown', 0, []), cleanup });

  it('a lab that fails to stop is a failed step and fails the scenario with its error', async () => {
    const target = () => ({ start: async () => undefined, stop: async () => Promise.reject(new Error('helm rollback: timed out waiting for the condition')) }) as unknown as Target;
    const result = await runScenario(passing(), { targetName: 'local', createTarget: target });
    assert.equal(result.status, 'failed');
    assert.equal(result.reason, 'lab: stop the lab: helm rollback: timed out waiting for the condition');
    assert.deepEqual(result.steps.map((s) => `${s.phase} ${s.title} ${s.status}`), ['lab start the lab passed', 'symptom wait passed', 'lab stop the lab failed']);
  });

  it('a cleanup that fails is a failed step and fails the scenario, after the lab was stopped', async () => {
    const order: string[] = [];
    const target = () => ({ start: async () => undefined, stop: async () => void order.push('stop') }) as unknown as Target;
    const cleanup = async () => {
      order.push('cleanup');
      throw new Error('queue orders-1234 still holds 3 messages');
    };
    const result = await runScenario(passing(cleanup), { targetName: 'local', createTarget: target });
    assert.deepEqual(order, ['stop', 'cleanup']);
    assert.equal(result.status, 'failed');
    assert.equal(result.reason, 'lab: clean up: queue orders-1234 still holds 3 messages');
    assert.deepEqual(result.steps.slice(-2).map((s) => `${s.title} ${s.status}`), ['stop the lab passed', 'clean up failed']);
  });

  it('a failed step stays the reason when the teardown fails too; both are reported', async () => {
    const target = () => ({ start: async () => Promise.reject(new Error('port 3000 in use')), stop: async () => Promise.reject(new Error('no such process')) }) as unknown as Target;
    const result = await runScenario(passing(), { targetName: 'local', createTarget: target });
    assert.equal(result.reason, 'lab: port 3000 in use');
    assert.deepEqual(result.steps.map((s) => `${s.title} ${s.status}`), ['start the lab failed', 'wait skipped', 'stop the lab failed']);
  });
  it('a step written for another target is skipped there with the reason, never passed, and never run', async () => {
    let ran = false;
    const scenario: Scenario = {
      ...passing(),
      targets: ['local', 'kind'],
      steps: [
        ...passing().steps,
        {
          phase: 'after',
          title: 'local only',
          targets: ['local'],
          async run() {
            ran = true;
          },
        },
      ],
    };
    const result = await runScenario(scenario, { targetName: 'kind', createTarget: standInTarget });
    assert.equal(ran, false);
    assert.equal(result.status, 'passed', result.reason);
    const step = result.steps.find((s) => s.title === 'local only');
    assert.equal(step?.status, 'skipped');
    assert.equal(step?.error, 'not run on the kind target: this step runs on the local target');
  });

  it('a step that throws StepNotRunError is skipped with its reason, not passed', async () => {
    const scenario: Scenario = {
      ...passing(),
      steps: [
        ...passing().steps,
        {
          phase: 'after',
          title: 'cannot here',
          async run() {
            throw new StepNotRunError('local', 'no socket LB here');
          },
        },
      ],
    };
    const result = await runScenario(scenario, { targetName: 'local', createTarget: standInTarget });
    const step = result.steps.find((s) => s.title === 'cannot here');
    assert.equal(step?.status, 'skipped');
    assert.equal(step?.error, 'not run on the local target: no socket LB here');
  });
});

describe('runScenario: steps that need cluster parts', () => {
  /** A target that has kube-proxy and lacks Cilium's socket LB (or the reverse), as missingParts reports them. */
  const cluster = (has: 'kube-proxy' | 'cilium-socket-lb', asked: string[][] = []) => () =>
    ({
      start: async () => undefined,
      stop: async () => undefined,
      missingParts: async (parts: readonly string[]) => {
        asked.push([...parts]);
        return parts.filter((p) => p !== has).map((p) => (p === 'kube-proxy' ? 'kube-proxy (this cluster translates Services with Cilium\'s socket LB: kind/cluster.yaml)' : "Cilium's socket LB (kind/cilium-kube-proxy-free.yaml)"));
      },
    }) as unknown as Target;

  function twoClusters(ran: string[], options: { kubeProxyFails?: boolean; noContrast?: boolean } = {}): Scenario {
    const step = (phase: 'setup' | 'break' | 'symptom' | 'fix' | 'after', title: string, requires: ('kube-proxy' | 'cilium-socket-lb')[], fails = false) => ({
      phase,
      title,
      requires,
      async run() {
        ran.push(title);
        if (fails) throw new Error(`${title} failed`);
      },
    });
    return {
      ...waitingScenario('two-clusters', 0, []),
      targets: ['local', 'kind'],
      steps: [
        step('setup', 'socket-lb setup', ['cilium-socket-lb']),
        step('symptom', 'socket-lb symptom', ['cilium-socket-lb']),
        step('after', 'socket-lb after', ['cilium-socket-lb']),
        ...(options.noContrast ? [] : [step('after', 'kube-proxy contrast', ['kube-proxy'], options.kubeProxyFails)]),
      ],
    };
  }

  it('on a kube-proxy cluster: the socket-LB steps are not run here, naming the part; the kube-proxy step runs; the scenario passes with what it showed', async () => {
    const ran: string[] = [];
    const asked: string[][] = [];
    const result = await runScenario(twoClusters(ran), { targetName: 'kind', createTarget: cluster('kube-proxy', asked) });
    assert.deepEqual(ran, ['kube-proxy contrast']);
    assert.deepEqual(asked, [['cilium-socket-lb'], ['kube-proxy']], 'each part read once');
    assert.equal(result.status, 'passed', result.reason);
    assert.deepEqual(result.steps.map((s) => `${s.title} ${s.status}`), ['start the lab passed', 'socket-lb setup skipped', 'socket-lb symptom skipped', 'socket-lb after skipped', 'kube-proxy contrast passed', 'stop the lab passed']);
    assert.equal(result.steps[2].error, "not run here: needs Cilium's socket LB (kind/cilium-kube-proxy-free.yaml)");
    assert.equal(result.reason, "passed with what this cluster can show; steps not run here need Cilium's socket LB (kind/cilium-kube-proxy-free.yaml)");
  });

  it('on a kube-proxy-free cluster: the socket-LB steps run and the kube-proxy step is not run here', async () => {
    const ran: string[] = [];
    const result = await runScenario(twoClusters(ran), { targetName: 'kind', createTarget: cluster('cilium-socket-lb') });
    assert.deepEqual(ran, ['socket-lb setup', 'socket-lb symptom', 'socket-lb after']);
    assert.equal(result.status, 'passed', result.reason);
    const contrast = result.steps.find((s) => s.title === 'kube-proxy contrast');
    assert.equal(contrast?.status, 'skipped');
    assert.match(contrast?.error ?? '', /^not run here: needs kube-proxy \(/);
  });

  it('the only step this cluster can show failing fails the scenario; with no step it can show, the scenario is not run and nothing starts', async () => {
    const failing = await runScenario(twoClusters([], { kubeProxyFails: true }), { targetName: 'kind', createTarget: cluster('kube-proxy') });
    assert.equal(failing.status, 'failed');
    assert.equal(failing.reason, 'after: kube-proxy contrast failed');
    let started = false;
    const target = () => ({ ...cluster('kube-proxy')(), start: async () => void (started = true) }) as unknown as Target;
    const none = await runScenario(twoClusters([], { noContrast: true }), { targetName: 'kind', createTarget: target });
    assert.equal(none.status, 'not-run');
    assert.equal(none.reason, "not run here: needs Cilium's socket LB (kind/cilium-kube-proxy-free.yaml)");
    assert.equal(started, false);
  });

  it('a target without missingParts plays every part: every step runs', async () => {
    const ran: string[] = [];
    const result = await runScenario(twoClusters(ran), { targetName: 'local', createTarget: standInTarget });
    assert.deepEqual(ran, ['socket-lb setup', 'socket-lb symptom', 'socket-lb after', 'kube-proxy contrast']);
    assert.equal(result.status, 'passed', result.reason);
    assert.equal(result.reason, undefined);
  });
});
