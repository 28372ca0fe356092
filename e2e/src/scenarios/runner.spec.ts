// runScenarios side by side, with scenarios whose steps only wait: a stand-in target (start/stop only),
// because what is checked here is the scheduling, not a lab.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Target } from '../targets/target';
import type { Scenario } from './model';
import { runScenarios } from './runner';

function waitingScenario(id: string, ms: number, log: string[], typicalSeconds?: number): Scenario {
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
          await new Promise((resolve) => setTimeout(resolve, ms));
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
    const scenarios = [waitingScenario('short-1', 30, log, 1), waitingScenario('short-2', 30, log, 2), waitingScenario('long', 120, log, 45), waitingScenario('short-3', 30, log)];
    const started = Date.now();
    const results = await runScenarios(scenarios, { targetName: 'local', createTarget: standInTarget }, 2);
    const wall = Date.now() - started;
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
    assert.ok(wall < 210, `the three short ones ran beside the long one: ${wall} ms`);
  });
});
