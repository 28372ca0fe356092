// The kind target's reading of what Flagger and Traefik did, from output captured in their formats (no cluster can be
// reached from the unit tests; npm run test:kind runs canary-split against the real Flagger), and the detection of
// Flagger as a cluster part through a fake kubectl: absent, present, the Gateway API missing, a kubectl that fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canarySplit } from '../../scenarios/canary-split';
import { runScenario } from '../../scenarios/runner';
import { defaultRouteWeights, describeEvents, FlaggerCanary, flaggerMessages, traefikServiceRequests } from './flagger-canary';
import { FakeCommandRunner, type RecordedCommand } from './fake-command-runner';
import { KindTarget } from './kind-target';

const DESCRIBE = `Name:         myweb
Namespace:    faultline
API Version:  flagger.app/v1beta1
Kind:         Canary
Status:
  Canary Weight:  0
  Failed Checks:  10
  Phase:          Failed
Events:
  Type     Reason  Age    From     Message
  ----     ------  ----   ----     -------
  Normal   Synced  3m     flagger  New revision detected! Scaling up myweb.faultline
  Warning  Synced  2m50s  flagger  Halt myweb.faultline advancement success-rate-by-status-code 0.00 < 99
  Warning  Synced  1m     flagger  Canary failed! Scaling down myweb.faultline
`;

const LOG = [
  '{"level":"info","ts":"2026-12-04T18:00:00.000Z","caller":"controller/events.go:33","msg":"New revision detected! Scaling up myweb.faultline","canary":"myweb.faultline"}',
  '{"level":"info","ts":"2026-12-04T18:00:01.000Z","caller":"controller/events.go:33","msg":"Starting canary analysis for other.faultline","canary":"other.faultline"}',
  'I1204 18:00:02.000000       1 leaderelection.go:250] attempting to acquire leader lease flagger-system/flagger...',
  '{"level":"info","ts":"2026-12-04T18:00:10.000Z","caller":"controller/events.go:45","msg":"Halt myweb.faultline advancement success-rate-by-status-code 0.00 < 99","canary":"myweb.faultline"}',
].join('\n');

describe("Flagger's and Traefik's output, read back", () => {
  it('takes the Events section of kubectl describe canary, without its header rows', () => {
    const events = describeEvents(DESCRIBE);
    assert.equal(events.length, 3);
    assert.match(events[1], /^Warning\s+Synced\s+2m50s\s+flagger\s+Halt myweb\.faultline advancement success-rate-by-status-code 0\.00 < 99$/);
    assert.deepEqual(describeEvents('Name: myweb\nEvents:  <none>\n'), []);
  });

  it("keeps the msg of Flagger's JSON lines about this canary only", () => {
    assert.deepEqual(flaggerMessages(LOG, 'myweb.faultline'), [
      'New revision detected! Scaling up myweb.faultline',
      'Halt myweb.faultline advancement success-rate-by-status-code 0.00 < 99',
    ]);
  });

  it("reads the weights of the HTTPRoute's unmatched rule (canary and A/B)", () => {
    const weighted = { spec: { rules: [{ backendRefs: [{ name: 'myweb-primary', weight: 90 }, { name: 'myweb-canary', weight: 10 }] }] } };
    assert.deepEqual(defaultRouteWeights(weighted, 'myweb'), { primary: 90, canary: 10 });
    const ab = {
      spec: {
        rules: [
          { matches: [{ headers: [{ name: 'tester', value: 'true' }] }], backendRefs: [{ name: 'myweb-primary', weight: 0 }, { name: 'myweb-canary', weight: 100 }] },
          { matches: [{ path: { value: '/' } }], backendRefs: [{ name: 'myweb-primary', weight: 100 }] },
        ],
      },
    };
    assert.deepEqual(defaultRouteWeights(ab, 'myweb'), { primary: 100, canary: 0 });
  });

  it("sums traefik_service_requests_total by service across codes and methods", () => {
    const metrics = [
      '# TYPE traefik_service_requests_total counter',
      'traefik_service_requests_total{code="200",method="GET",protocol="http",service="faultline-myweb-canary-8080@kubernetesgateway"} 40',
      'traefik_service_requests_total{code="503",method="GET",protocol="http",service="faultline-myweb-canary-8080@kubernetesgateway"} 2',
      'traefik_service_requests_total{code="200",method="GET",protocol="http",service="faultline-myweb-primary-8080@kubernetesgateway"} 360',
      'traefik_entrypoint_requests_total{code="200",entrypoint="web",method="GET",protocol="http"} 402',
    ].join('\n');
    assert.deepEqual(traefikServiceRequests(metrics), {
      'faultline-myweb-canary-8080@kubernetesgateway': 42,
      'faultline-myweb-primary-8080@kubernetesgateway': 360,
    });
  });
});

/** A cluster as kubectl shows it: Flagger's Deployment and the Gateway present, absent, or the Gateway API missing. */
function cluster(parts: { flagger: boolean; gatewayApi: boolean; gateway: boolean; failing?: boolean }) {
  return (c: RecordedCommand) => {
    const line = c.args.join(' ');
    if (line.includes('get deployment flagger')) return parts.failing ? { code: 1, stdout: '', stderr: 'error: You must be logged in to the server (Unauthorized)\n' } : parts.flagger ? 'deployment.apps/flagger\n' : '';
    if (line.includes('get gateway faultline')) {
      if (!parts.gatewayApi) return { code: 1, stdout: '', stderr: 'error: the server doesn\'t have a resource type "gateway"\n' };
      return parts.gateway ? 'gateway.gateway.networking.k8s.io/faultline\n' : '';
    }
    return undefined;
  };
}

describe('Flagger as a cluster part (fake kubectl)', () => {
  const missing = (parts: Parameters<typeof cluster>[0]) => new KindTarget({ runner: new FakeCommandRunner(cluster(parts)) }).missingParts(['flagger']);

  it('is present with its Deployment and the Gateway', async () => {
    assert.deepEqual(await missing({ flagger: true, gatewayApi: true, gateway: true }), []);
  });

  it('names what is absent and the script that installs it', async () => {
    assert.deepEqual(await missing({ flagger: false, gatewayApi: false, gateway: false }), ['Flagger (no Deployment flagger in namespace flagger-system: scripts/cluster/install-flagger.sh)']);
    assert.deepEqual(await missing({ flagger: true, gatewayApi: false, gateway: false }), ['the Gateway API (its CRDs are not installed: scripts/cluster/install-flagger.sh)']);
    assert.deepEqual(await missing({ flagger: true, gatewayApi: true, gateway: false }), ["a Gateway for Flagger's routes (no Gateway faultline in namespace traefik: scripts/cluster/install-flagger.sh)"]);
  });

  it('fails on a kubectl error instead of calling Flagger absent', async () => {
    await assert.rejects(missing({ flagger: true, gatewayApi: true, gateway: true, failing: true }), /Unauthorized/);
  });

  it('canary-split on a kind cluster without Flagger is not run, naming it, and installs no lab', async () => {
    const runner = new FakeCommandRunner(cluster({ flagger: false, gatewayApi: false, gateway: false }));
    const result = await runScenario(canarySplit, { targetName: 'kind', createTarget: () => new KindTarget({ runner }) });
    assert.equal(result.status, 'not-run', result.reason);
    assert.match(result.reason ?? '', /^not run here: needs Flagger \(no Deployment flagger in namespace flagger-system/);
    assert.ok(!runner.calls.some((c) => c.tool === 'helm' && c.args.includes('upgrade')), 'no helm upgrade');
  });
});

describe('FlaggerCanary: the commands it runs (fake kubectl, upgrades recorded)', () => {
  /** A Canary whose status goes through `phases`, one per read, staying at the last. */
  function canaryWith(phases: string[], initTimeoutMs?: number) {
    const upgrades: unknown[] = [];
    let reads = 0;
    const runner = new FakeCommandRunner((c) => {
      const line = c.args.join(' ');
      if (line.includes('get canary myweb')) return { status: { phase: phases[Math.min(reads++, phases.length - 1)], canaryWeight: 0 } };
      if (line.includes('describe canary myweb')) return DESCRIBE;
      if (line.includes('set env')) return 'deployment.apps/myweb env updated\n';
      return undefined;
    });
    const canary = new FlaggerCanary({
      runner,
      kubectl: (args, namespace = 'faultline') => ['-n', namespace, ...args],
      namespace: 'faultline',
      upgradeLab: async (values) => void upgrades.push(values),
      initTimeoutMs,
    });
    return { canary, runner, upgrades };
  }

  it('install: a helm upgrade with flaggerCanary on, one forward each to Traefik\'s web and metrics ports, until Flagger initialized it', async () => {
    const { canary, runner, upgrades } = canaryWith(['Initializing', 'Initializing', 'Initialized']);
    await canary.install('canary', 'v1');
    await canary.install('ab', 'v2');
    assert.deepEqual(upgrades, [{ flaggerCanary: { enabled: true, strategy: 'canary', version: 'v1' } }, { flaggerCanary: { enabled: true, strategy: 'ab', version: 'v2' } }]);
    const forwards = runner.calls.filter((c) => c.background).map((c) => c.args.join(' '));
    assert.deepEqual(forwards, ['-n traefik port-forward --address 127.0.0.1 svc/traefik :80', '-n traefik port-forward --address 127.0.0.1 svc/traefik :8080']);
    assert.equal(canary.url(), 'http://127.0.0.1:40000');
    await canary.stop();
    assert.ok(runner.forwards.every((f) => f.stopped), 'forwards stopped');
  });

  it('install fails naming the last phase and events when Flagger never initializes the Canary', async () => {
    const { canary } = canaryWith(['Initializing'], 300);
    await assert.rejects(canary.install('canary', 'v1'), /Flagger to initialize Canary myweb.*last phase Initializing; events: .*Canary failed! Scaling down myweb\.faultline/);
    await canary.stop();
  });

  it('release: kubectl set env of the target, a removed variable as KEY-', async () => {
    const { canary, runner } = canaryWith(['Initialized']);
    await canary.release({ VERSION: 'v2', FAULTS: undefined });
    assert.deepEqual(runner.lines(), ['kubectl -n faultline set env deployment/myweb VERSION=v2 FAULTS-']);
  });
});
