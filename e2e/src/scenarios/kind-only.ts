/**
 * Scenarios that need the kind target: listed in the catalog, reported as needing kind by the local one.
 * stale-dns-server needs CoreDNS pods whose addresses change on a rollout, seen through a Service-less
 * client (NGINX auth-url with Cilium without kube-proxy).
 */
import { resilienceLab } from '../lab/labs';
import type { Scenario } from './model';

export const staleDnsServer: Scenario = {
  id: 'stale-dns-server',
  seed: '003',
  title: 'A client stuck on the old cluster DNS addresses after a DNS restart',
  breaks: 'cluster DNS moves to new addresses while an auth-proxying client keeps the old one',
  symptom: 'auth subrequests fail after the DNS restart until the client reloads',
  fix: 'reload the client → 200',
  targets: ['kind'],
  lab: (options) => resilienceLab({ hangSeconds: options.hangSeconds }),
  steps: [],
};
