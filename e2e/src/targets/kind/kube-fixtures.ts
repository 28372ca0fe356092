/**
 * Test fixtures: what kubectl prints for the lab on a cluster, in the shapes of the Kubernetes API
 * (v1 Pod, Service, discovery.k8s.io/v1 EndpointSlice) and of `kubectl logs --prefix --timestamps`.
 * Trimmed to realistic fields; written by hand, as no cluster exists where the tests run. Also what helm
 * and kubectl answer for an installed lab, for the fake command runner.
 */
import { storeLab } from '../../lab/labs';
import type { RecordedCommand, Reply } from './fake-command-runner';
const labels = (app: string) => ({
  app,
  'app.kubernetes.io/name': app,
  'app.kubernetes.io/instance': 'faultline',
  'app.kubernetes.io/part-of': 'faultline',
  'pod-template-hash': '6d9f8b7c5',
  version: 'v1',
});

function pod(name: string, app: string, ip: string, port: number, options: { restarts?: number; terminating?: boolean; waiting?: boolean } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'faultline',
      labels: labels(app),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-6d9f8b7c5`, controller: true }],
      ...(options.terminating ? { deletionTimestamp: '2025-03-01T10:00:05Z', deletionGracePeriodSeconds: 20 } : {}),
    },
    spec: {
      containers: [
        {
          name: app,
          image: `faultline/${app}:dev`,
          ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
        },
      ],
      nodeName: 'faultline-worker',
    },
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: '172.18.0.3',
      conditions: [{ type: 'Ready', status: options.waiting ? 'False' : 'True' }],
      containerStatuses: [
        {
          name: app,
          ready: !options.waiting,
          restartCount: options.restarts ?? 0,
          image: `docker.io/faultline/${app}:dev`,
          state: options.waiting
            ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' } }
            : { running: { startedAt: '2025-03-01T09:58:00Z' } },
          ...(options.restarts ? { lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2025-03-01T09:57:59Z' } } } : {}),
        },
      ],
    },
  };
}

export const RETRY_BACKEND_PODS = {
  apiVersion: 'v1',
  kind: 'List',
  metadata: { resourceVersion: '' },
  items: [
    pod('retry-backend-6d9f8b7c5-x2x4q', 'retry-backend', '10.244.1.7', 8080, { restarts: 2 }),
    pod('retry-backend-6d9f8b7c5-b7kpz', 'retry-backend', '10.244.2.4', 8080, { waiting: true, restarts: 1 }),
    pod('retry-backend-5c4d7f9b8-qq9zt', 'retry-backend', '10.244.2.3', 8080, { terminating: true, restarts: 7 }),
  ],
};

export function podList(...items: ReturnType<typeof pod>[]) {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}
export { pod };

export const ORDER_SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'order-service', namespace: 'faultline', labels: labels('order-service') },
  spec: {
    type: 'ClusterIP',
    clusterIP: '10.96.112.40',
    clusterIPs: ['10.96.112.40'],
    selector: { 'app.kubernetes.io/name': 'order-service', 'app.kubernetes.io/instance': 'faultline', version: 'v1' },
    ports: [{ name: 'http', port: 3000, targetPort: 3000, protocol: 'TCP' }],
  },
};

export const DNS_SERVER_SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'dns-server', namespace: 'faultline', labels: labels('dns-server') },
  spec: {
    type: 'ClusterIP',
    clusterIP: '10.96.0.53',
    ports: [
      { name: 'dns-udp', port: 53, targetPort: 'dns-udp', protocol: 'UDP' },
      { name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' },
    ],
  },
};

export function endpointSlice(service: string, port: number, endpoints: { ip: string; ready: boolean | null }[]) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-k2j9x`, namespace: 'faultline', labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port, protocol: 'TCP' }],
    endpoints: endpoints.map(({ ip, ready }) => ({
      addresses: [ip],
      conditions: { ready, serving: ready, terminating: false },
      nodeName: 'faultline-worker',
      targetRef: { kind: 'Pod', namespace: 'faultline', name: `${service}-6d9f8b7c5-x2x4q` },
    })),
  };
}

export const STORE_FRONT_LOGS = [
  '[pod/store-front-7b9c6d5f4-k8s2p/store-front] 2025-03-01T10:00:01.100000000Z {"level":"info","time":"2025-03-01T10:00:01.099Z","service":"store-front","msg":"listening","port":8080}',
  '[pod/store-front-7b9c6d5f4-k8s2p/store-front] 2025-03-01T10:00:03.250123456Z {"level":"error","service":"store-front","msg":"upstream failed","upstream":"order-service","error.type":"ECONNREFUSED","trace_id":"4bf92f3577b34da6"}',
  '[pod/store-front-7b9c6d5f4-zz9q1/store-front] 2025-03-01T10:00:02.500000000Z not json: a plain line',
  'warning: could not find log for pod store-front-7b9c6d5f4-old',
  '',
].join('\n');

export const COREDNS_LOGS = [
  '[pod/coredns-668d6bf9bc-4kq7x/coredns] 2025-03-01T10:00:00.000000000Z .:53',
  '[pod/coredns-668d6bf9bc-4kq7x/coredns] 2025-03-01T10:00:00.000100000Z [INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5',
  // As CoreDNS 1.12.1 logs a forward that timed out (seen on a kind cluster): no rcode from the log plugin,
  // the answered SERVFAIL (2) from the errors plugin.
  '[pod/coredns-668d6bf9bc-4kq7x/coredns] 2025-03-01T10:00:04.120000000Z [INFO] 10.244.1.9:43012 - 41213 "A IN myexternalserver.com. udp 38 false 512" - - 0 6.005775953s',
  '[pod/coredns-668d6bf9bc-4kq7x/coredns] 2025-03-01T10:00:04.120400000Z [ERROR] plugin/errors: 2 myexternalserver.com. A: read udp 10.244.0.3:51944->10.96.0.53:53: i/o timeout',
  '[pod/coredns-668d6bf9bc-9zt2m/coredns] 2025-03-01T10:00:02.000000000Z [INFO] 10.244.1.9:39511 - 7 "AAAA IN myexternalserver.com. udp 49 false 512" NOERROR qr,aa,rd,ra 140 0.000412s',
  '',
].join('\n');

/** The admin token the fake cluster's Secret holds. */
export const TOKEN = 'not-a-real-token-4f2a';

/** What helm and kubectl answer for an installed lab; `extra` answers first. */
export function clusterReplies(extra: (c: RecordedCommand) => Reply | undefined = () => undefined) {
  return (c: RecordedCommand): Reply | undefined => {
    // After an upgrade: the pods it replaced (none left terminating).
    if (c.args.some((a) => a.includes('deletionTimestamp'))) return '';
    const own = extra(c);
    if (own !== undefined) return own;
    const line = c.args.join(' ');
    if (c.tool === 'helm' && c.args[0] === 'status') return { name: 'faultline', version: 4, info: { status: 'deployed' } };
    if (c.tool === 'helm' && line.startsWith('get values')) return { image: { repository: 'faultline', tag: 'ci-abc123' } };
    if (c.tool === 'helm' && (c.args[0] === 'upgrade' || c.args[0] === 'rollback')) return 'Release "faultline" has been upgraded. Happy Helming!\n';
    if (line.includes('get secret faultline-admin')) return { kind: 'Secret', data: { token: Buffer.from(TOKEN).toString('base64') } };
    return undefined;
  };
}

/** A store lab as the scenarios build it. */
export const store = () => storeLab({ rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672', queueName: 'orders-run1' });
