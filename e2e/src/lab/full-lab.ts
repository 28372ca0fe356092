/** The whole lab `faultline up` runs: every demo whose app is built. */
import { isBuilt } from '../targets/local/paths';
import { mergeLabs, resilienceLab, storeLab, tracingLab } from './labs';
import type { LabSpec } from './spec';

export function fullLab(options: { rabbitmqUrl: string; queueName: string }): { lab: LabSpec; missing: string[] } {
  const demos = [
    storeLab({ rabbitmqUrl: options.rabbitmqUrl, queueName: options.queueName }),
    tracingLab({ slowSeconds: 3 }),
    resilienceLab({ hangSeconds: 20, backendReplicas: 2 }),
  ];
  const missing = [...new Set(demos.flatMap((d) => d.deployments.map((dep) => dep.app)))].filter((app) => !isBuilt(app));
  // A demo runs only when all its apps are built (a store-front without order-service shows nothing useful).
  const complete = demos.filter((d) => d.deployments.every((dep) => isBuilt(dep.app)));
  return { lab: mergeLabs(...complete), missing };
}
