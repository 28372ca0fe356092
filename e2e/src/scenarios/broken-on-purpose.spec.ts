// The harness must notice a scenario that was not really fixed or not really broken: the same scenario
// run with its fix (or its break) skipped must FAIL, at the step that looks for the difference.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalTarget } from '../targets/local/local-target';
import { canarySplitScenario } from './canary-split';
import { CATALOG } from './catalog';
import { runScenario } from './runner';
import { missingApps, SUITE_OPTIONS } from './suite-support';

const cases = [
  { id: 'tcp-wrong-target-port', skip: 'fix' as const, failsAt: 'after' },
  { id: 'tcp-wrong-target-port', skip: 'break' as const, failsAt: 'symptom' },
  { id: 'dns-ndots-amplification', skip: 'fix' as const, failsAt: 'after' },
  { id: 'stale-dns-server', skip: 'fix' as const, failsAt: 'after' },
];

describe('scenarios broken on purpose fail', () => {
  for (const { id, skip, failsAt } of cases) {
    const scenario = CATALOG.find((s) => s.id === id);
    const missing = missingApps(id);
    it(`${id} with its ${skip} step skipped fails at ${failsAt}`, { skip: missing.length ? `not in the tree yet: ${missing.join(', ')}` : false, timeout: 120_000 }, async () => {
      assert.ok(scenario, `no scenario ${id} in the catalog`);
      const result = await runScenario(scenario, {
        targetName: 'local',
        createTarget: () => new LocalTarget(),
        options: SUITE_OPTIONS,
        skipPhases: [skip],
      });
      assert.equal(result.status, 'failed');
      const failed = result.steps.find((s) => s.status === 'failed');
      assert.equal(failed?.phase, failsAt, `failed at ${failed?.phase}: ${failed?.error}`);
    });
  }

  const canaryMissing = missingApps('canary-split');
  it('canary-split with the success-rate check off promotes the erroring v2 and fails at symptom', { skip: canaryMissing.length ? `not in the tree yet: ${canaryMissing.join(', ')}` : false, timeout: 120_000 }, async () => {
    const result = await runScenario(canarySplitScenario({ successRateCheck: false }), {
      targetName: 'local',
      createTarget: () => new LocalTarget(),
      options: SUITE_OPTIONS,
    });
    assert.equal(result.status, 'failed');
    const failed = result.steps.find((s) => s.status === 'failed');
    assert.equal(failed?.phase, 'symptom', `failed at ${failed?.phase}: ${failed?.error}`);
    assert.match(failed?.error ?? '', /should roll the erroring v2 back, it ended Succeeded/);
  });
});
