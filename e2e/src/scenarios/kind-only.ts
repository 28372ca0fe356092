/**
 * Scenarios that need the kind target: listed in the catalog, reported as needing kind by the local one.
 * canary-split needs a mesh or ingress to split by weight and header (Flagger with Istio/NGINX);
 * stale-dns-server needs CoreDNS pods whose addresses change on a rollout, seen through a Service-less
 * client (NGINX auth-url with Cilium without kube-proxy).
 */
import { resilienceLab } from '../lab/labs';
import type { Scenario } from './model';

export const canarySplit: Scenario = {
  id: 'canary-split',
  seed: '004',
  title: 'Canary v1/v2: weighted split, tester header/cookie to v2, rollback on errors',
  breaks: 'v1 + v2 of retry-backend, 10% of traffic to v2; header `tester: true` / cookie `tester=always` → v2',
  symptom: 'observed split near the weight; matched requests all on v2; an erroring v2 (503s) is rolled back by success-rate analysis, a good one promoted',
  fix: '—',
  targets: ['kind'],
  lab: (options) => resilienceLab({ hangSeconds: options.hangSeconds }),
  steps: [],
};

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
