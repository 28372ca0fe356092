// The local scenario suite: every catalog scenario that runs locally, each in its own lab, must pass
// (symptom seen while broken, gone after the fix). Waits are shortened where the seed's value is only
// a wait (the 20 s hang); the slow page keeps its 3 s. A scenario whose apps are not in the tree yet is
// skipped with the reason; one whose apps exist must pass.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localLabelMisnames } from '../evidence/source-names';
import { LocalTarget } from '../targets/local/local-target';
import { CATALOG } from './catalog';
import { progressLine } from './report';
import { runScenario } from './runner';
import { missingApps, SUITE_OPTIONS } from './suite-support';

describe('scenario suite on the local target', () => {
  for (const scenario of CATALOG) {
    const local = scenario.targets.includes('local');
    const missing = local ? missingApps(scenario.id) : [];
    const skip = !local ? 'needs the kind target' : missing.length ? `not in the tree yet: ${missing.join(', ')}` : false;
    it(scenario.id, { skip, timeout: 120_000 }, async () => {
      const lines: string[] = [];
      const result = await runScenario(scenario, {
        targetName: 'local',
        createTarget: () => new LocalTarget(),
        options: SUITE_OPTIONS,
        onEvent: (event) => {
          const line = progressLine(event);
          if (line) lines.push(line);
        },
      });
      process.stdout.write(`${lines.join('\n')}\n`);
      assert.equal(result.status, 'passed', result.reason);
      assert.ok(result.steps.some((s) => s.phase === 'symptom' && s.evidence.length > 0), 'the symptom came with evidence');
      const browserLabelled = result.steps.flatMap((s) => s.evidence).filter((e) => e.source === 'browser');
      assert.deepEqual(browserLabelled, [], "the harness's own HTTP requests are not labelled as a browser's");
      // The local lab's stand-ins print under their own names; a real tool is named only on its own output.
      const misnamed = result.steps.flatMap((s) => s.evidence).flatMap((e) => localLabelMisnames(e.source).map((tool) => `[${e.source}] names ${tool}`));
      assert.deepEqual(misnamed, [], 'evidence from a stand-in is labelled with a real tool');
    });
  }
});
