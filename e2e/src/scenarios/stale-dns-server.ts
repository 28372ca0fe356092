/**
 * Seed 003: nginx with ingress-nginx's `auth-url`, on Cilium without kube-proxy. After `kubectl rollout restart
 * deployment coredns` the CoreDNS pods have new addresses; nginx's resolver keeps one connected UDP socket, which
 * Cilium's socket LB translated to one CoreDNS pod at connect() time, so its queries keep going to the old pod
 * address and are dropped ("Stale or unroutable IP"): the auth subrequests fail and every request is a 500 until
 * nginx is reloaded (a new socket, translated anew). With Cilium's default socket termination (the agent closes
 * sockets to a deleted backend) or with kube-proxy (per-packet DNAT, conntrack flushed for the gone endpoint) the
 * same restart does no harm.
 *
 * Who plays what: auth-proxy is the client (locally a Node stand-in for nginx's resolver; on a cluster the chart's
 * authProxy, nginx configured like ingress-nginx renders auth-url); external-server is the auth service and the
 * echo upstream (on a cluster external-server's /auth and store-front).
 *
 * Which steps run where: the socket-LB steps need Cilium's socket LB (kind/cilium-kube-proxy-free.yaml), the
 * kube-proxy comparison needs kube-proxy (kind/cluster.yaml): each cluster runs what it can show and reports the
 * others as not run here. The local target plays both (its kube-dns stand-in switches modes), but has no socket
 * termination to switch.
 */
import { outcome, type HttpResult } from '../evidence/http';
import { pollUntil } from '@faultline/test-support';
import { serviceFor } from '../lab/labs';
import { type DeploymentSpec, type LabSpec, serviceFqdn } from '../lab/spec';
import type { ClusterDnsControl } from '../targets/cluster-dns-control';
import type { Target } from '../targets/target';
import { expect, type Scenario, type StepContext, StepNotRunError } from './model';
import { ATTEMPTS, AUTH_PROXY, attempts, dropEvidence, isNginxAuthFailure, queriesFrom, request, showQueries, statusLines, throughProxy } from './stale-dns-evidence';

const AUTH_HOST = serviceFqdn('auth');
/** nginx `resolver ... valid=`: short, so the restart shows within a few requests (ingress-nginx: 30 s). */
const RESOLVER_VALID_MS = 1000;
const RESOLVER_TIMEOUT_MS = 500;
/** Between requests after a restart that should do no harm: long enough for the cached answer (valid=) to expire several times over. */
/** How long after the old DNS pods are gone the requests must have turned to 500: a few valid= periods. */
const SYMPTOM_TIMEOUT_MS = 15_000;
const NO_HARM_INTERVAL_MS = Math.ceil((3 * RESOLVER_VALID_MS) / ATTEMPTS);

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

/**
 * Locally the resolver socket (auth-proxy's log), the dropped datagrams by socket and the DNS queries by client are
 * the stand-ins' own and are asserted. On kind nginx does not log its resolver socket and CoreDNS logs queries only
 * where its Corefile has `log`: the scenario asserts the statuses, nginx's error lines and the agents' drops of the
 * nginx pod's queries to an old CoreDNS address ("Stale or unroutable IP", from bpf_host.c on the nginx pod's node).
 */
const localEvidence = (target: Target) => target.name === 'local';

async function podIp(target: Target, deployment: string): Promise<string> {
  const [pod] = await target.pods(deployment);
  return pod.ip;
}

async function resolverSocket(target: Target, since = 0): Promise<string> {
  const lines = await target.logs(AUTH_PROXY, {
    since,
    match: (l) => l.json?.msg === 'resolver socket open' || l.json?.msg === 'reloaded: resolver socket re-created',
  });
  const last = lines.at(-1)?.json;
  expect(last, `${AUTH_PROXY} logged no resolver socket`);
  return String(last.resolver_socket ?? last.new_socket);
}

/**
 * A CoreDNS restart that should do no harm: 10 × 200 before, the restart, then from the same client no lasting
 * failure: the first request right after the restart may fail once (seen on kit clusters with socket termination and
 * with kube-proxy: the old pod's answer lost as it goes), every one after it is 200, without a reload. The bug it is
 * compared with fails every request until the reload.
 */
async function harmlessRestart({ target, evidence }: StepContext, how: string): Promise<{ since: number; oldIps: string[] }> {
  const dns = clusterDns(target);
  const warm = await attempts(target, ATTEMPTS);
  evidence(throughProxy(target, `${how}, before the cluster DNS restart`), statusLines(warm));
  expect(warm.every((r) => r.status === 200), `every request should be 200 ${how} before the restart:\n${statusLines(warm)}`);
  const since = Date.now();
  const { before, after } = await dns.rolloutRestart();
  evidence(dns.sources.rolloutRestart(), `before: ${before.join(', ')}\nafter:  ${after.join(', ')}`);
  const results = await attempts(target, ATTEMPTS, NO_HARM_INTERVAL_MS);
  evidence(throughProxy(target, `${how}, after the cluster DNS restart (no reload)`), statusLines(results));
  const firstOk = results.findIndex((r) => r.status === 200);
  const lasting = firstOk < 0 ? results : results.slice(firstOk).filter((r) => r.status !== 200);
  expect(firstOk >= 0 && firstOk <= 1 && lasting.length === 0, `${how}, after the restart without a reload, at most the first request may fail and every one after it should be 200:\n${statusLines(results)}`);
  return { since, oldIps: before };
}

export const staleDnsServer: Scenario = {
  id: 'stale-dns-server',
  seed: '003',
  title: 'A client stuck on the old cluster DNS addresses after a DNS restart',
  breaks: 'cluster DNS moves to new addresses while an auth-proxying client keeps the old one',
  symptom: 'auth subrequests fail after the DNS restart until the client reloads',
  fix: 'reload the client → 200',
  targets: ['local', 'kind'],
  typicalSeconds: 16,
  lab: () => staleDnsLab(),
  steps: [
    {
      phase: 'setup',
      title: 'Cilium without kube-proxy (socket-LB); 10 requests through auth-proxy (auth-url) → 200',
      requires: ['cilium-socket-lb'],
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
      requires: ['cilium-socket-lb'],
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
      requires: ['cilium-socket-lb'],
      async run({ target, state, evidence }) {
        const dns = clusterDns(target);
        const since = state.brokenAt as number;
        const results: HttpResult[] = [];
        const sentAt: number[] = [];
        const failing = (r: HttpResult) => r.status === 500;
        const started = Date.now();
        await pollUntil(
          async () => {
            sentAt.push(Date.now());
            results.push(await request(target));
            const tail = results.slice(-3);
            return tail.length === 3 && tail.every(failing) ? true : undefined;
          },
          { timeoutMs: SYMPTOM_TIMEOUT_MS, intervalMs: 200, what: 'three 500s in a row through auth-proxy after the restart' },
        ).catch(() => undefined);
        evidence(throughProxy(target, 'after the cluster DNS restart'), statusLines(results));
        const firstFailure = results.findIndex(failing);
        expect(
          results.slice(-3).every(failing),
          `requests should turn to 500 within ${SYMPTOM_TIMEOUT_MS / 1000} s of the restart; ${results.length} requests, the last: ${outcome(results.at(-1) as HttpResult)}`,
        );
        evidence('the first 500', `attempt ${firstFailure + 1}, sent ${((sentAt[firstFailure] - started) / 1000).toFixed(1)} s after the old pods were gone`);
        const failed = results.at(-1);
        evidence(`${throughProxy(target, 'after the cluster DNS restart')}: the last answer`, `${failed?.status} ${failed?.body}`);
        const oldIps = state.oldDnsIps as string[];

        if (!localEvidence(target)) {
          // nginx logs why the auth subrequest failed; the agent on its node drops its queries to the old pod address.
          await target.waitForLog(AUTH_PROXY, isNginxAuthFailure, { since, what: `an ${AUTH_PROXY} (nginx) error line about the auth subrequest` });
          const lines = await target.logs(AUTH_PROXY, { since, match: isNginxAuthFailure });
          evidence(target.sources.logs(AUTH_PROXY), lines.slice(0, 6).map((l) => l.text).join('\n'));
          evidence(dns.sources.drops(), await dropEvidence(dns, since, oldIps));
          const proxyIp = await podIp(target, AUTH_PROXY);
          const stale = (await dns.drops(since)).filter((d) => d.client.startsWith(`${proxyIp}:`) && oldIps.includes(d.endpoint.split(':')[0]));
          expect(stale.length > 0, `a Cilium agent should have dropped ${AUTH_PROXY}'s (${proxyIp}) queries to an old CoreDNS address (${oldIps.join(', ')}): ${dns.dropsWatched(since)}`);
          return;
        }

        const socket = state.socket as string;
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
      requires: ['cilium-socket-lb'],
      async run({ target, state, evidence }) {
        const since = Date.now();
        state.fixedAt = since;
        const dns = clusterDns(target);
        const reloaded = await dns.signalPods(AUTH_PROXY, 'SIGHUP');
        if (!localEvidence(target)) {
          evidence(dns.sources.signalPods(AUTH_PROXY, 'SIGHUP'), reloaded.join(', '));
          // nginx's master logs the SIGHUP it got: "signal 1 (SIGHUP) received from <pid>, reconfiguring".
          const line = await target.waitForLog(AUTH_PROXY, (l) => /\(SIGHUP\) received.*reconfiguring/.test(l.text), { since, what: `${AUTH_PROXY} (nginx) reconfiguring` });
          return evidence(target.sources.logs(AUTH_PROXY), line.text);
        }
        const line = await target.waitForLog(AUTH_PROXY, (l) => l.json?.msg === 'reloaded: resolver socket re-created', { since, what: `${AUTH_PROXY} reloading` });
        evidence(target.sources.logs(AUTH_PROXY), line.text);
      },
    },
    {
      phase: 'after',
      title: 'requests → 200 again; the new resolver socket reaches the new CoreDNS pods',
      requires: ['cilium-socket-lb'],
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
      title: "with Cilium's default socket termination (bpf-lb-sock-terminate-pod-connections: true) the same restart does no harm, without a reload",
      requires: ['cilium-socket-lb'],
      async run(ctx) {
        const { target, evidence } = ctx;
        const dns = clusterDns(target);
        if (!dns.setSocketTermination) {
          throw new StepNotRunError(target.name, "the kube-dns stand-in has no socket termination to switch (Cilium's agent closing sockets to a deleted backend)");
        }
        await dns.setSocketTermination(true);
        try {
          evidence(dns.sources.socketTermination?.(true) ?? 'socket termination on', 'every Cilium agent restarted with it');
          const { since, oldIps } = await harmlessRestart(ctx, 'with socket termination');
          evidence(dns.sources.drops(), await dropEvidence(dns, since, oldIps));
          expect((await dns.drops(since)).length === 0, 'with socket termination no DNS datagram should be dropped: the agent closed the socket to the old pod');
        } finally {
          await dns.setSocketTermination(false);
        }
        evidence(dns.sources.socketTermination?.(false) ?? 'socket termination off', 'back off as the symptom needs it; every Cilium agent restarted');
      },
    },
    {
      phase: 'after',
      title: 'with kube-proxy (per-packet DNAT) the same restart does no harm, without a reload',
      requires: ['kube-proxy'],
      async run(ctx) {
        const { target, state, evidence } = ctx;
        const dns = clusterDns(target);
        await dns.setServiceMode('kube-proxy');
        const service = await dns.service();
        evidence(dns.sources.service(), `${service.address} (${service.mode}) → ${service.endpoints.join(', ')}`);
        const { since, oldIps } = await harmlessRestart(ctx, 'with per-packet Service translation');
        if (!localEvidence(target)) {
          evidence(dns.sources.drops(), await dropEvidence(dns, since, oldIps));
          expect((await dns.drops(since)).length === 0, 'nothing should be dropped on the way to a DNS pod with kube-proxy');
          return;
        }
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
