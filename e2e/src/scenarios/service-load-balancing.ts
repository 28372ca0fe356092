/**
 * Seed 002: three replicas behind one Service. From a pod, `http://retry-backend:8080/` resolves
 * through the search list to the Service's ClusterIP (the cluster DNS logs the query), and the
 * connections are spread over all three replicas (each answer names its server id, the pod name).
 */
import { queriesFor, formatQueries } from '../evidence/dns';
import { outcome } from '../evidence/http';
import { resilienceLab } from '../lab/labs';
import { serviceFqdn } from '../lab/spec';
import { expect, type Scenario } from './model';
import { getService } from './services';

export const serviceLoadBalancing: Scenario = {
  id: 'service-load-balancing',
  seed: '002',
  title: 'Three replicas behind one Service name: resolved by the search list, balanced over all',
  breaks: 'retry-backend with 3 replicas behind the Service retry-backend',
  symptom: 'the short name resolves through the search list to the ClusterIP; requests spread over all replicas',
  fix: '—',
  targets: ['local', 'kind'],
  lab: (options) => resilienceLab({ hangSeconds: options.hangSeconds, backendReplicas: 3 }),
  steps: [
    {
      phase: 'setup',
      title: 'kubectl get svc,pods: one ClusterIP, three pod IPs',
      async run({ target, evidence }) {
        const service = await getService(target, 'retry-backend');
        const pods = await target.pods('retry-backend');
        evidence(target.sources.services(), `retry-backend ClusterIP ${service.clusterIp} port ${service.port} → endpoints ${service.readyEndpoints.map((ip) => `${ip}:${service.targetPort}`).join(', ')}`);
        evidence(target.sources.pods('retry-backend'), pods.map((p) => `${p.name} ${p.ip}`).join('\n'));
        expect(pods.length === 3 && service.readyEndpoints.length === 3, 'three ready endpoints');
      },
    },
    {
      phase: 'symptom',
      title: 'from a pod: curl http://retry-backend:8080/?failRate=0 many times',
      async run({ target, options, evidence }) {
        const since = Date.now();
        const served = new Map<string, number>();
        for (let i = 0; i < options.sampleSize; i += 1) {
          const result = await target.podRequest('http://retry-backend:8080/?failRate=0');
          expect(result.status === 200, `request ${i + 1}: ${outcome(result)} ${result.errorMessage ?? result.body}`);
          const id = /server id (\S+)/.exec(result.body)?.[1] ?? result.body;
          served.set(id, (served.get(id) ?? 0) + 1);
        }
        evidence(`answers by server id: ${target.sources.podRequest('http://retry-backend:8080/?failRate=0')} ×${options.sampleSize}`, [...served].map(([id, n]) => `${id}: ${n}`).join('\n'));
        const service = await getService(target, 'retry-backend');
        const queries = await queriesFor(target, 'cluster', 'retry-backend', since);
        const answered = queries.find((q) => q.name.toLowerCase() === `${serviceFqdn('retry-backend', target.namespace)}.` && q.rcode === 'NOERROR');
        evidence(target.sources.dnsQueries('cluster'), formatQueries(queries, 3));
        expect(answered, `the cluster DNS should answer ${serviceFqdn('retry-backend', target.namespace)} (the first search domain)`);
        const answers = (answered.answers as string[] | undefined) ?? [];
        expect(answers.length === 0 || answers.some((a) => String(a).includes(service.clusterIp)), `the answer should be the ClusterIP ${service.clusterIp}, got ${answers.join(', ')}`);
        expect(served.size === 3, `all 3 replicas should serve, ${served.size} did`);
        const least = Math.min(...served.values());
        expect(least >= options.sampleSize * 0.15, `requests should be spread over the replicas (least: ${least} of ${options.sampleSize})`);
      },
    },
  ],
};
