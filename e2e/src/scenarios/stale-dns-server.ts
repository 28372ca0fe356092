/**
 * Seed 003: ingress-nginx with `auth-url`, on Cilium without kube-proxy. After `kubectl rollout restart
 * deployment coredns` the CoreDNS pods have new addresses; nginx's resolver keeps one connected UDP
 * socket, which Cilium's socket-LB translated to one CoreDNS pod at connect() time, so its queries keep
 * going to the old pod address and are dropped ("Stale or unroutable IP"): the auth subrequests fail
 * and every request is a 500 until nginx is reloaded (a new socket, translated anew). With kube-proxy
 * (per-packet DNAT, conntrack flushed for the gone endpoint) the same restart does no harm.
 * auth-proxy plays the ingress controller; external-server plays the auth service and the echo upstream.
 */
import { outcome, type HttpResult, httpRequest } from '../evidence/http';
import { pollUntil } from '@faultline/test-support';
import { serviceFor } from '../lab/labs';
import { type DeploymentSpec, type LabSpec, serviceFqdn } from '../lab/spec';
import type { ClusterDnsControl } from '../targets/cluster-dns-control';
import type { Target } from '../targets/target';
import { expect, type Scenario, StepNotRunError } from './model';

const AUTH_PROXY = 'auth-proxy';
const AUTH_HOST = serviceFqdn('auth');
/** nginx `resolver ... valid=`: short, so the restart shows within a few requests (ingress-nginx: 30 s). */
const RESOLVER_VALID_MS = 1000;
const RESOLVER_TIMEOUT_MS = 500;
/** Requests of the seed's test-ingress.sh per phase. */
const ATTEMPTS = 10;

export function staleDnsLab(): LabSpec {
  const auth: DeploymentSpec = { name: 'auth', app: 'external-server', port: 8080, serviceName: 'auth' };
  const echo: DeploymentSpec = { name: 'echo', app: 'external-server', port: 8080, serviceName: 'echo' };
  const proxy: DeploymentSpec = {
    name: AUTH_PROXY,
    app: 'auth-proxy',
    port: 8080,
    env: {
      AUTH_URL: `http://${AUTH_HOST}:8080/auth`,
      UPSTREAM_URL: 'http://echo:8080',
      RESOLVER_TIMEOUT_MS: String(RESOLVER_TIMEOUT_MS),
      RESOLVER_VALID_MS: String(RESOLVER_VALID_MS),
    },
  };
  return { deployments: [proxy, auth, echo], services: [serviceFor(proxy), serviceFor(auth), serviceFor(echo)] };
}

function clusterDns(target: Target): ClusterDnsControl {
  if (!target.clusterDns) throw new Error(`restarting the cluster DNS and choosing its Service translation is not supported by the ${target.name} target`);
  return target.clusterDns;
}

const request = (target: Target): Promise<HttpResult> =>
  httpRequest(`${target.serviceUrl(AUTH_PROXY)}/`, { timeoutMs: 5_000, headers: target.serviceHeaders?.(AUTH_PROXY) });

/** test-ingress.sh's loop: `count` requests, one every `intervalMs`, each status kept. */
async function attempts(target: Target, count: number, intervalMs = 200): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  await pollUntil(
    async () => {
      results.push(await request(target));
      return results.length >= count ? true : undefined;
    },
    { timeoutMs: count * (intervalMs + 6_000), intervalMs, what: `${count} requests through ${AUTH_PROXY}` },
  );
  return results;
}

/**
 * On kind the resolver socket, the dropped datagrams and CoreDNS queries by client are not observable
 * through kubectl (ingress-nginx does not log its resolver socket, drops need `cilium monitor`, CoreDNS logs
 * only where its Corefile has `log`): there the scenario asserts the statuses and the reload only.
 */
const localEvidence = (target: Target) => target.name === 'local';

/** The label of test-ingress.sh's loop as the harness runs it. */
const throughProxy = (target: Target, when: string) => `${target.sources.serviceRequests(AUTH_PROXY)}, test-ingress.sh's loop ${when}`;

const statusLines = (results: readonly HttpResult[]) => results.map((r, i) => `Attempt: ${i + 1} Status Code: ${outcome(r)}`).join('\n');

async function podIp(target: Target, deployment: string): Promise<string> {
  const [pod] = await target.pods(deployment);
  return pod.ip;
}

/** Queries each current DNS pod got from `ip` since `since`. */
async function queriesFrom(dns: ClusterDnsControl, ip: string, since: number): Promise<{ pod: string; ip: string; count: number }[]> {
  return (await dns.podQueries()).map((pod) => ({
    pod: pod.pod,
    ip: pod.ip,
    count: pod.queries.filter((q) => q.src.startsWith(`${ip}:`) && Date.parse(q.time) >= since).length,
  }));
}

const showQueries = (rows: { pod: string; ip: string; count: number }[]) => rows.map((r) => `${r.pod} (${r.ip}): ${r.count} queries`).join('\n');

async function resolverSocket(target: Target, since = 0): Promise<string> {
  const lines = await target.logs(AUTH_PROXY, {
    since,
    match: (l) => l.json?.msg === 'resolver socket open' || l.json?.msg === 'reloaded: resolver socket re-created',
  });
  const last = lines.at(-1)?.json;
  expect(last, `${AUTH_PROXY} logged no resolver socket`);
  return String(last.resolver_socket ?? last.new_socket);
}

export const staleDnsServer: Scenario = {
  id: 'stale-dns-server',
  seed: '003',
  title: 'A client stuck on the old cluster DNS addresses after a DNS restart',
  breaks: 'cluster DNS moves to new addresses while an auth-proxying client keeps the old one',
  symptom: 'auth subrequests fail after the DNS restart until the client reloads',
  fix: 'reload the client → 200',
  targets: ['local', 'kind'],
  typicalSeconds: 11,
  // On a cluster the symptom needs both: ingress-nginx's long-lived resolver socket and Cilium's socket LB.
  requires: ['ingress-nginx', 'cilium-socket-lb'],
  lab: () => staleDnsLab(),
  steps: [
    {
      phase: 'setup',
      title: 'Cilium without kube-proxy (socket-LB); 10 requests through auth-proxy (auth-url) → 200',
      async run({ target, state, evidence }) {
        const dns = clusterDns(target);
        await dns.setServiceMode('socket-lb');
        const since = Date.now();
        const results = await attempts(target, ATTEMPTS);
        evidence(throughProxy(target, 'before the cluster DNS restart'), statusLines(results));
        expect(results.every((r) => r.status === 200), `every request should be 200 before the restart:\n${statusLines(results)}`);
        const service = await dns.service();
        evidence(dns.sources.service(), `${service.address} (${service.mode}) → ${service.endpoints.join(', ')}`);
        if (!localEvidence(target)) return;
        state.socket = await resolverSocket(target);
        state.proxyIp = await podIp(target, AUTH_PROXY);
        const seen = await queriesFrom(dns, state.proxyIp as string, since);
        evidence(`${dns.sources.podQueries()}: from ${AUTH_PROXY} (resolver socket ${state.socket as string})`, showQueries(seen));
        expect(seen.some((r) => r.count > 0), `the DNS pods should have answered ${AUTH_PROXY}'s resolver`);
      },
    },
    {
      phase: 'break',
      title: 'kubectl -n kube-system rollout restart deployment coredns (new pod addresses)',
      async run({ target, state, evidence }) {
        const dns = clusterDns(target);
        state.brokenAt = Date.now();
        const { before, after } = await dns.rolloutRestart();
        state.oldDnsIps = before;
        evidence(dns.sources.rolloutRestart(), `before: ${before.join(', ')}\nafter:  ${after.join(', ')}`);
      },
    },
    {
      phase: 'symptom',
      title: 'auth subrequests fail (500): auth-proxy keeps querying the old CoreDNS address',
      async run({ target, state, evidence }) {
        const dns = clusterDns(target);
        const since = state.brokenAt as number;
        const socket = state.socket as string;
        const results: HttpResult[] = [];
        const failing = (r: HttpResult) => r.status === 500;
        await pollUntil(
          async () => {
            results.push(await request(target));
            const tail = results.slice(-3);
            return tail.length === 3 && tail.every(failing) ? true : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 200, what: 'three 500s in a row through auth-proxy after the restart' },
        ).catch(() => undefined);
        evidence(throughProxy(target, 'after the cluster DNS restart'), statusLines(results));
        expect(results.length <= 20 && results.slice(-3).every(failing), `requests should turn to 500 within 20 attempts:\n${statusLines(results)}`);
        const failed = results.at(-1);
        evidence(`${throughProxy(target, 'after the cluster DNS restart')}: the last answer`, `${failed?.status} ${failed?.body}`);
        if (!localEvidence(target)) return;

        const line = await target.waitForLog(AUTH_PROXY, (l) => l.json?.msg === 'auth request failed' && l.json?.code === 'ETIMEDOUT', {
          since,
          what: `an ${AUTH_PROXY} log line naming the DNS timeout`,
        });
        evidence(target.sources.logs(AUTH_PROXY), line.text);
        expect(line.json?.resolver_socket === socket, `the failing queries should leave from the same resolver socket ${socket}: ${line.text}`);

        const service = await dns.service();
        const drops = (await dns.drops(since)).filter((d) => d.client === socket);
        evidence(
          dns.sources.drops(),
          drops
            .slice(0, 5)
            .map((d) => `xx drop (${d.reason}) ${d.client} -> ${d.endpoint} udp`)
            .join('\n') + `\n(kube-dns endpoints now: ${service.endpoints.join(', ')})`,
        );
        const oldIps = state.oldDnsIps as string[];
        expect(drops.length > 0 && drops.every((d) => oldIps.includes(d.endpoint.split(':')[0])), `${AUTH_PROXY}'s queries should be dropped on the way to an old CoreDNS address (${oldIps.join(', ')})`);

        const fresh = await target.podRequest(`http://echo:8080/`);
        evidence(`${target.sources.podRequest('http://echo:8080/')} (a new socket per lookup, as glibc's resolver)`, outcome(fresh));
        expect(fresh.status === 200, `a resolver that opens a new socket per lookup should reach the new CoreDNS pods: ${outcome(fresh)}`);
        const fromProxy = await queriesFrom(dns, state.proxyIp as string, since);
        evidence(`${dns.sources.podQueries()}: new pods, from ${AUTH_PROXY} since the restart`, showQueries(fromProxy));
        expect(fromProxy.every((r) => r.count === 0), `the new CoreDNS pods should have got nothing from ${AUTH_PROXY}'s resolver`);
      },
    },
    {
      phase: 'fix',
      title: 'reload nginx (nginx -s reload: SIGHUP to auth-proxy)',
      async run({ target, state, evidence }) {
        const since = Date.now();
        state.fixedAt = since;
        const reloaded = await clusterDns(target).signalPods(AUTH_PROXY, 'SIGHUP');
        if (!localEvidence(target)) return evidence(clusterDns(target).sources.signalPods(AUTH_PROXY, 'SIGHUP'), reloaded.join(', '));
        const line = await target.waitForLog(AUTH_PROXY, (l) => l.json?.msg === 'reloaded: resolver socket re-created', { since, what: `${AUTH_PROXY} reloading` });
        evidence(target.sources.logs(AUTH_PROXY), line.text);
      },
    },
    {
      phase: 'after',
      title: 'requests → 200 again; the new resolver socket reaches the new CoreDNS pods',
      async run({ target, state, evidence }) {
        const dns = clusterDns(target);
        const since = state.fixedAt as number;
        const first = await pollUntil(
          async () => {
            const result = await request(target);
            return result.status === 200 ? result : undefined;
          },
          { timeoutMs: 5_000, intervalMs: 200, what: 'a 200 through auth-proxy after the reload' },
        );
        const results = [first, ...(await attempts(target, ATTEMPTS - 1))];
        evidence(throughProxy(target, `after ${AUTH_PROXY}'s reload`), statusLines(results));
        expect(results.every((r) => r.status === 200), `every request should be 200 after the reload:\n${statusLines(results)}`);
        if (!localEvidence(target)) return;
        const socket = await resolverSocket(target, since);
        const seen = await queriesFrom(dns, state.proxyIp as string, since);
        evidence(`${dns.sources.podQueries()}: new pods, from ${AUTH_PROXY} (new resolver socket ${socket})`, showQueries(seen));
        expect(socket !== state.socket && seen.some((r) => r.count > 0), 'the reloaded resolver should use a new socket that reaches the new CoreDNS pods');
        state.socket = socket;
      },
    },
    {
      phase: 'after',
      title: 'with kube-proxy (per-packet DNAT) the same restart does no harm, without a reload',
      // A kind cluster's Service translation is fixed when the cluster is created, and this scenario needs
      // the socket LB for its symptom: the comparison cannot switch to kube-proxy there.
      targets: ['local'],
      async run({ target, state, evidence }) {
        if (target.name !== 'local') {
          throw new StepNotRunError(target.name, 'the Service translation is fixed when the cluster is created (the symptom needs the socket LB; kind/cilium-kube-proxy-partial.yaml has kube-proxy)');
        }
        const dns = clusterDns(target);
        await dns.setServiceMode('kube-proxy');
        const warm = await attempts(target, 3);
        expect(warm.every((r) => r.status === 200), `requests should be 200 in kube-proxy mode:\n${statusLines(warm)}`);
        const since = Date.now();
        const { before, after } = await dns.rolloutRestart();
        evidence(dns.sources.rolloutRestart(), `before: ${before.join(', ')}\nafter:  ${after.join(', ')}`);
        // Long enough for the cached answer (valid=) to expire several times over.
        const results = await attempts(target, ATTEMPTS, Math.ceil((3 * RESOLVER_VALID_MS) / ATTEMPTS));
        evidence(throughProxy(target, 'with per-packet Service translation, after the cluster DNS restart'), statusLines(results));
        expect(results.every((r) => r.status === 200), `every request should be 200 with kube-proxy:\n${statusLines(results)}`);
        const socket = await resolverSocket(target);
        const seen = await queriesFrom(dns, state.proxyIp as string, since);
        evidence(`${dns.sources.podQueries()}: newest pods, from ${AUTH_PROXY} (same resolver socket ${socket}, no reload)`, showQueries(seen));
        expect(socket === state.socket, 'no reload happened: the resolver socket is the same');
        expect(seen.some((r) => r.count > 0), `the same socket's queries should reach the new CoreDNS pods with kube-proxy`);
        expect((await dns.drops(since)).length === 0, 'nothing should be dropped with kube-proxy');
      },
    },
  ],
};
