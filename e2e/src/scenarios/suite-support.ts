/** What the scenario test files share: the suite's shortened waits, and which apps a scenario still lacks. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TEST_BROKER_URL } from '@faultline/test-support';
import { WORKSPACE_ROOT } from '../targets/local/paths';
import { CATALOG } from './catalog';
import type { ScenarioOptions } from './model';
import { defaultOptions } from './runner';

/** The 20 s hang becomes 3 s; the slow page keeps its 3 s; the store's broker is the test run's (RABBITMQ_URL). */
export const SUITE_OPTIONS: Partial<ScenarioOptions> = { hangSeconds: 3, sampleSize: 40, rabbitmqUrl: TEST_BROKER_URL };

/** Apps a scenario's lab needs that have no source in the tree. */
export function missingApps(scenarioId: string): string[] {
  const scenario = CATALOG.find((s) => s.id === scenarioId);
  if (!scenario) return [`(no scenario ${scenarioId})`];
  const apps = new Set([...scenario.lab(defaultOptions()).deployments.map((d) => d.app), 'dns-server']);
  return [...apps].filter((app) => !existsSync(path.join(WORKSPACE_ROOT, 'apps', app, 'src', 'main.ts')));
}
