// The kind target's ingress and the canary-split lab on the chart, driven through a fake kubectl/helm: no
// Kubernetes API, ingress-nginx or container engine can exist on this machine, so these tests assert the
// exact commands and the reading of `kubectl get ingress -o json` shaped like the API's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { canarySplit } from '../../scenarios/canary-split';
import { FakeCommandRunner, type RecordedCommand } from './fake-command-runner';
import { createdIngresses, findIngressPair, type KubeIngress } from './kind-ingress';
import { KindTarget } from './kind-target';
import { pod, podList } from './kube-fixtures';

const SPEC = {
  name: 'retry-backend',
  host: 'retry-backend.faultline.test',
  service: 'retry-backend',
  canaryService: 'retry-backend-v2',
  canary: { weight: 10, header: 'tester', headerValue: 'true', cookie: 'tester' },
};

/** A fake API server holding Ingresses: apply stores the List, annotate edits, get lists them. */
function cluster(onUpgrade: (values: Record<string, unknown>) => void = () => undefined) {
  const ingresses = new Map<string, KubeIngress>();
  return (c: RecordedCommand) => {
    const line = c.args.join(' ');
    if (c.tool === 'helm' && c.args[0] === 'status') return { name: 'faultline', version: 7, info: { status: 'deployed' } };
    if (c.tool === 'helm' && line.startsWith('get values')) return {};
    if (c.tool === 'helm' && c.args[0] === 'upgrade') {
      onUpgrade(JSON.parse(readFileSync(c.args[c.args.indexOf('--wait') - 1], 'utf8')) as Record<string, unknown>);
      return 'upgraded\n';
    }
    if (c.tool === 'helm') return 'Rollback was a success! Happy Helming!\n';
    if (line.includes('get secret faultline-admin')) return { data: { token: Buffer.from('t').toString('base64') } };
    if (line.includes('deletionTimestamp')) return '';
    const at = c.args.indexOf('-n') + 2;
    const verb = c.args[at];
    if (verb === 'apply') {
      const out: string[] = [];
      for (const item of (JSON.parse(c.input ?? '{}') as { items: KubeIngress[] }).items) {
        out.push(`ingress.networking.k8s.io/${item.metadata.name} ${ingresses.has(item.metadata.name) ? 'configured' : 'created'}`);
        ingresses.set(item.metadata.name, item);
      }
      return `${out.join('\n')}\n`;
    }
    if (verb === 'get' && c.args[at + 1] === 'ingress') return { apiVersion: 'v1', kind: 'List', items: [...ingresses.values()] };
    if (verb === 'annotate') {
      const name = c.args[at + 3];
      const ingress = ingresses.get(name);
      if (!ingress) return { code: 1, stdout: '', stderr: `Error from server (NotFound): ingresses.networking.k8s.io "${name}" not found\n` };
      const annotations = { ...ingress.metadata.annotations };
      for (const edit of c.args.slice(at + 4)) {
        if (edit.endsWith('-')) delete annotations[edit.slice(0, -1)];
        else annotations[edit.slice(0, edit.indexOf('='))] = edit.slice(edit.indexOf('=') + 1);
      }
      ingress.metadata.annotations = annotations;
      return `ingress.networking.k8s.io/${name} annotated\n`;
    }
    if (verb === 'delete') return '';
    if (verb === 'get' && c.args[at + 1] === 'pods') {
      const v2 = pod('retry-backend-v2-7f8e9d6c5-q4w5e', 'retry-backend', '10.244.2.8', 8080);
      v2.metadata.labels.version = 'v2';
      return podList(pod('retry-backend-6d9f8b7c5-x2x4q', 'retry-backend', '10.244.1.7', 8080), v2);
    }
    if (verb === 'set' || verb === 'rollout' || verb === 'wait') return '';
    return undefined;
  };
}

describe('KindTarget.ingress on the canary-split lab (fake kubectl and helm: no cluster exists here)', () => {
  const options = { hangSeconds: 3, slowSeconds: 3, sampleSize: 60, runId: 'run1', rabbitmqUrl: '' };

  it("installs the lab's v2 as the chart's canary (canary.enabled, version v2, its env) and tells v1 and v2 pods apart by their version label", async () => {
    let values: { apps?: Record<string, { enabled: boolean }>; canary?: unknown } = {};
    const runner = new FakeCommandRunner(cluster((v) => (values = v)));
    const target = new KindTarget({ runner, chartDir: 'helm/faultline', kindValuesFile: 'kind/values.yaml' });
    await target.start(canarySplit.lab(options));
    assert.deepEqual(values.canary, { enabled: true, version: 'v2', replicas: 1, env: { SERVER_ID: '$(POD_NAME)', HANG_SECONDS: '3' } });
    assert.equal(values.apps?.['retry-backend'].enabled, true);
    assert.equal(values.apps?.['retry-backend-v2'], undefined, 'no app of that name: the chart renders the canary');
    const forwards = runner.calls.filter((c) => c.background).map((c) => c.args.join(' '));
    assert.ok(forwards.includes('-n faultline port-forward --address 127.0.0.1 svc/retry-backend-v2 :8080'));

    runner.calls.length = 0;
    const v2 = await target.pods('retry-backend-v2');
    const v1 = await target.pods('retry-backend');
    assert.deepEqual(runner.lines(), [
      'kubectl -n faultline get pods -l app=retry-backend,app.kubernetes.io/instance=faultline,version=v2 -o json',
      'kubectl -n faultline get pods -l app=retry-backend,app.kubernetes.io/instance=faultline,version=v1 -o json',
    ]);
    // The fake answers both pods whatever the selector: the version label names the lab Deployment.
    assert.deepEqual(v2.map((p) => [p.name, p.deployment]), [['retry-backend-6d9f8b7c5-x2x4q', 'retry-backend'], ['retry-backend-v2-7f8e9d6c5-q4w5e', 'retry-backend-v2']]);
    assert.equal(v1.length, 2);

    runner.calls.length = 0;
    await target.setEnv('retry-backend-v2', { FAULTS: '{"error":{"status":503}}' });
    assert.deepEqual(runner.lines(), [
      'kubectl -n faultline get pods -l app=retry-backend,app.kubernetes.io/instance=faultline,version=v2 -o json',
      `kubectl -n faultline set env deployment/retry-backend-v2 'FAULTS={"error":{"status":503}}'`,
      'kubectl -n faultline rollout status deployment/retry-backend-v2 --timeout=180s',
      // The fake's pod list holds a v1 pod too, whatever the selector.
      'kubectl -n faultline wait --for=delete pod/retry-backend-6d9f8b7c5-x2x4q pod/retry-backend-v2-7f8e9d6c5-q4w5e --timeout=120s',
    ]);
    await target.stop();
  });

  it('apply: kubectl apply of the Ingress pair as the chart renders it; url: a forward to the ingress-nginx controller', async () => {
    const runner = new FakeCommandRunner(cluster(), (resource) => (resource === 'svc/ingress-nginx-controller' ? 40_080 : 40_000));
    const target = new KindTarget({ runner, context: 'kind-faultline' });
    await target.start(canarySplit.lab(options));
    runner.calls.length = 0;
    assert.throws(() => target.ingress.url(), /apply an Ingress first/);

    await target.ingress.apply(SPEC);
    assert.equal(runner.lines()[0], 'kubectl --context kind-faultline -n faultline apply -f -');
    const applied = JSON.parse(runner.calls[0].input ?? '{}') as { items: KubeIngress[] };
    assert.deepEqual(applied.items.map((i) => i.metadata.name), ['retry-backend', 'retry-backend-canary']);
    assert.deepEqual(applied.items[1].metadata.annotations, {
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '10',
      'nginx.ingress.kubernetes.io/canary-by-header': 'tester',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'true',
      'nginx.ingress.kubernetes.io/canary-by-cookie': 'tester',
    });
    assert.deepEqual(applied.items[0].spec, {
      ingressClassName: 'nginx',
      rules: [{ host: 'retry-backend.faultline.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'retry-backend', port: { name: 'http' } } } }] } }],
    });
    assert.deepEqual(
      runner.calls.filter((c) => c.background).map((c) => c.args.join(' ')),
      ['--context kind-faultline -n ingress-nginx port-forward --address 127.0.0.1 svc/ingress-nginx-controller :80'],
    );
    assert.equal(target.ingress.url(), 'http://127.0.0.1:40080');
    await assert.rejects(target.ingress.apply({ ...SPEC, canary: { weight: 101 } }), /canary-weight/);

    assert.deepEqual(await target.ingress.get('Retry-Backend.faultline.test'), SPEC);
    assert.equal(await target.ingress.get('other.faultline.test'), undefined);

    // Created by apply (the fake cluster had none): deleted at stop, before helm rollback.
    await target.stop();
    const lines = runner.lines();
    const deleted = lines.indexOf('kubectl --context kind-faultline -n faultline delete ingress retry-backend retry-backend-canary --ignore-not-found');
    assert.ok(deleted >= 0 && deleted < lines.findIndex((l) => l.startsWith('helm rollback')), lines.join('\n'));
  });

  it('setCanary: kubectl annotate --overwrite of the changed annotations, key- for the removed ones, and the result read back', async () => {
    const runner = new FakeCommandRunner(cluster());
    const target = new KindTarget({ runner });
    await target.start(canarySplit.lab(options));
    await target.ingress.apply(SPEC);
    runner.calls.length = 0;

    const weighted = await target.ingress.setCanary(SPEC.host, { weight: 20 });
    assert.deepEqual(runner.lines(), [
      'kubectl -n faultline get ingress -o json',
      'kubectl -n faultline annotate --overwrite ingress retry-backend-canary nginx.ingress.kubernetes.io/canary-weight=20',
    ]);
    assert.equal(weighted.canary.weight, 20);

    runner.calls.length = 0;
    const rolledBack = await target.ingress.setCanary(SPEC.host, { weight: 0, header: undefined, headerValue: undefined, cookie: undefined });
    assert.deepEqual(runner.lines()[1].split(' ').slice(7), [
      'nginx.ingress.kubernetes.io/canary-weight=0',
      'nginx.ingress.kubernetes.io/canary-by-header-',
      'nginx.ingress.kubernetes.io/canary-by-header-value-',
      'nginx.ingress.kubernetes.io/canary-by-cookie-',
    ]);
    assert.deepEqual(rolledBack.canary, { weight: 0 });
    assert.deepEqual((await target.ingress.get(SPEC.host))?.canary, { weight: 0 }, 'the annotations read back from the API');

    runner.calls.length = 0;
    await target.ingress.setCanary(SPEC.host, { cookie: undefined });
    assert.deepEqual(runner.lines(), ['kubectl -n faultline get ingress -o json'], 'removing an absent annotation runs no annotate');
    await assert.rejects(target.ingress.setCanary('nobody.faultline.test', { weight: 5 }), /no Ingress pair for host nobody\.faultline\.test in namespace faultline/);
    await target.stop();
  });

  it('reads the chart-rendered pair back from kubectl get ingress, and the names kubectl apply created', () => {
    const chartPair = {
      items: [
        { metadata: { name: 'retry-backend' }, spec: { rules: [{ host: 'retry-backend.faultline.test', http: { paths: [{ backend: { service: { name: 'retry-backend' } } }] } }] } },
        {
          metadata: { name: 'retry-backend-canary', annotations: { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10', 'nginx.ingress.kubernetes.io/canary-by-cookie': 'tester' } },
          spec: { rules: [{ host: 'retry-backend.faultline.test', http: { paths: [{ backend: { service: { name: 'retry-backend-v2' } } }] } }] },
        },
        { metadata: { name: 'store-front' }, spec: { rules: [{ host: 'store.faultline.test' }] } },
      ],
    };
    assert.deepEqual(findIngressPair(chartPair, 'retry-backend.faultline.test'), {
      name: 'retry-backend', host: 'retry-backend.faultline.test', service: 'retry-backend', canaryService: 'retry-backend-v2', canary: { weight: 10, cookie: 'tester' },
    });
    assert.equal(findIngressPair(chartPair, 'store.faultline.test'), undefined, 'no canary Ingress for that host');
    assert.deepEqual(createdIngresses('ingress.networking.k8s.io/a created\ningress.networking.k8s.io/b configured\ningress.networking.k8s.io/c unchanged\n'), ['a']);
  });
});
