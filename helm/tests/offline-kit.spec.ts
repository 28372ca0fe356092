/**
 * The offline cluster kit (kind/offline), checked without building anything: its table is complete and in
 * order, a component's content hash changes exactly when it or what it needs changes, the runc wrapper drops
 * CAP_SYS_RESOURCE and nothing else, and every script is strict, shellcheck-clean and answers --help.
 * Building the kit and a cluster from it is `npm run test:kind`.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { assertShellcheckClean, repoPath, run } from './repo';

const KIT = repoPath('kind', 'offline');
const scratch = mkdtempSync(path.join(tmpdir(), 'faultline-kit-spec-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Row {
  name: string;
  source: string;
  recipe: string;
  needs: string[];
  images: string[];
}

const rows: Row[] = readFileSync(path.join(KIT, 'components.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && !line.trimStart().startsWith('#'))
  .map((line) => {
    const [name, source, recipe, needs, images, ...rest] = line.trim().split(/\s+/);
    assert.equal(rest.length, 0, `one row, five columns: ${line}`);
    const list = (value: string) => (value === '-' ? [] : value.split(','));
    return { name, source, recipe, needs: list(needs), images: list(images) };
  });

/** The kit's hash of each component, computed by its own lib.sh in a copy of the kit at `dir`. */
function hashes(dir: string): Record<string, string> {
  const script = `source "${dir}/lib.sh"; source "${dir}/recipes.sh"; kit_compute_hashes; for n in ${rows.map((r) => r.name).join(' ')}; do echo "$n $(kit_hash "$n")"; done`;
  const result = run('bash', ['-c', script], { env: { ...process.env, FAULTLINE_KIT_CACHE: path.join(scratch, 'cache') } });
  assert.equal(result.status, 0, result.stderr);
  return Object.fromEntries(result.stdout.trim().split('\n').map((line) => line.split(' ')));
}

/** A copy of kind/offline to change. */
function kitCopy(name: string): string {
  const dir = path.join(scratch, name, 'kind', 'offline');
  cpSync(KIT, dir, { recursive: true });
  return dir;
}

describe('offline kit: components.tsv', () => {
  it('names each component once, each need before the component that needs it, and a recipe that exists', () => {
    const recipes = readFileSync(path.join(KIT, 'recipes.sh'), 'utf8');
    const seen = new Set<string>();
    for (const row of rows) {
      assert.ok(!seen.has(row.name), `${row.name} twice`);
      for (const need of row.needs) assert.ok(seen.has(need), `${row.name} needs ${need}, which must come first`);
      assert.match(recipes, new RegExp(`^recipe_${row.recipe.replace(/-/g, '_')}\\(\\) \\{$`, 'm'), `recipe ${row.recipe}`);
      seen.add(row.name);
    }
  });

  it('pins every registry source to a version and has a Dockerfile for every image it builds', () => {
    for (const row of rows) {
      if (/^(go|c):/.test(row.source)) assert.match(row.source, /@v?\d+\.\d+\.\d+/, `${row.name}: ${row.source}`);
      if (row.source.startsWith('npm:')) for (const pkg of row.source.slice(4).split(',')) assert.match(pkg, /@\d+\.\d+\.\d+$/, pkg);
      if (/image$/.test(row.recipe) && row.recipe !== 'node-image') assert.ok(existsSync(path.join(KIT, 'images', `${row.name}.Dockerfile`)), `${row.name}.Dockerfile`);
    }
    const dockerfiles = readdirSync(path.join(KIT, 'images')).filter((f) => f.endsWith('.Dockerfile'));
    for (const file of dockerfiles) assert.ok(rows.some((r) => `${r.name}.Dockerfile` === file), `${file} belongs to no component`);
  });

  it('gives kubeadm every image it asks for Kubernetes v1.34.4 and the chart values a stand-in for each upstream image', () => {
    const images = rows.flatMap((r) => r.images);
    for (const wanted of ['kube-apiserver:v1.34.4', 'kube-controller-manager:v1.34.4', 'kube-scheduler:v1.34.4', 'kube-proxy:v1.34.4', 'etcd:3.6.5-0', 'coredns/coredns:v1.12.1', 'pause:3.10.1']) {
      assert.ok(images.includes(`registry.k8s.io/${wanted}`), wanted);
    }
    const values = readFileSync(path.join(KIT, 'values.yaml'), 'utf8');
    for (const component of ['image-rabbitmq', 'image-zipkin', 'image-prometheus']) {
      const image = rows.find((r) => r.name === component)?.images[0];
      assert.ok(image && values.includes(`image: ${image}`), `${component} in kind/offline/values.yaml`);
    }
  });
});

describe('offline kit: content hashes', () => {
  const original = hashes(KIT);

  it('are stable between runs', () => {
    assert.deepEqual(hashes(KIT), original);
  });

  it("change for a changed Dockerfile and for what needs it, and nothing else", () => {
    const dir = kitCopy('dockerfile');
    writeFileSync(path.join(dir, 'images', 'image-pause.Dockerfile'), `${readFileSync(path.join(dir, 'images', 'image-pause.Dockerfile'), 'utf8')}# changed\n`);
    const changed = Object.keys(original).filter((name) => hashes(dir)[name] !== original[name]);
    assert.deepEqual(changed.sort(), ['image-pause', 'node']);
  });

  it('change for a changed pin, down to everything built on it', () => {
    const dir = kitCopy('pin');
    const table = path.join(dir, 'components.tsv');
    writeFileSync(table, readFileSync(table, 'utf8').replace('deb:trixie ', 'deb:forky  '));
    const after = hashes(dir);
    const changed = Object.keys(original).filter((name) => after[name] !== original[name]);
    assert.ok(changed.includes('debian') && changed.includes('base') && changed.includes('node') && changed.includes('image-rabbitmq'));
    assert.ok(!changed.includes('kubernetes') && !changed.includes('etcd') && !changed.includes('image-etcd'), changed.join(' '));
  });
});

describe('offline kit: runc-without-sys-resource', () => {
  const wrapper = path.join(KIT, 'runc-without-sys-resource');
  const caps = ['CAP_CHOWN', 'CAP_SYS_RESOURCE', 'CAP_NET_ADMIN'];
  const spec = { process: { capabilities: { bounding: caps, effective: caps, permitted: caps }, args: ['sh'] }, root: { path: 'rootfs' } };

  it('removes CAP_SYS_RESOURCE from the bundle on create and from the process file on exec, keeps the rest, then runs runc', () => {
    const bundle = path.join(scratch, 'bundle');
    const config = path.join(bundle, 'config.json');
    const processFile = path.join(scratch, 'process.json');
    mkdirSync(bundle, { recursive: true });
    writeFileSync(config, JSON.stringify(spec));
    writeFileSync(processFile, JSON.stringify(spec.process));
    // A stand-in runc that prints its arguments: the wrapper must pass them on unchanged.
    const fakeRunc = path.join(scratch, 'runc');
    writeFileSync(fakeRunc, '#!/bin/sh\necho "runc $*"\n', { mode: 0o755 });
    const env = { ...process.env, RUNC: fakeRunc };

    const create = run(wrapper, ['--root', '/run/x', 'create', '--bundle', bundle, 'c1'], { env });
    assert.equal(create.status, 0, create.stderr);
    assert.equal(create.stdout.trim(), `runc --root /run/x create --bundle ${bundle} c1`);
    const written = JSON.parse(readFileSync(config, 'utf8')) as typeof spec;
    for (const set of Object.values(written.process.capabilities)) assert.deepEqual(set, ['CAP_CHOWN', 'CAP_NET_ADMIN']);

    const exec = run(wrapper, ['exec', '--process', processFile, 'c1'], { env });
    assert.equal(exec.status, 0, exec.stderr);
    const execSpec = JSON.parse(readFileSync(processFile, 'utf8')) as typeof spec.process;
    assert.deepEqual(execSpec.capabilities.bounding, ['CAP_CHOWN', 'CAP_NET_ADMIN']);
  });
});

describe('offline kit: scripts', () => {
  const scripts = ['kit.sh', 'lib.sh', 'recipes.sh', 'engine.sh', 'runc-without-sys-resource', 'images/image-rabbitmq/rabbitmq-entrypoint'].map((f) => path.join(KIT, f));

  it('pass shellcheck', (t) => assertShellcheckClean(t, scripts));

  it('kit.sh answers --help, refuses an unknown command, and reports an empty cache as incomplete', () => {
    const kit = path.join(KIT, 'kit.sh');
    const env = { ...process.env, FAULTLINE_KIT_CACHE: path.join(scratch, 'empty-cache'), DOCKER_HOST: 'unix:///nonexistent.sock' };
    const help = run(kit, ['--help'], { env });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: kit\.sh COMMAND/m);
    const bad = run(kit, ['explode'], { env });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown command: explode/);
    const complete = run(kit, ['complete'], { env });
    assert.equal(complete.status, 1);
    assert.equal(complete.stdout.trim(), 'not built: kind');
  });

  it('test-kind.sh --if-kit-complete says in one line that the suite was not run, and why', () => {
    const env = { ...process.env, FAULTLINE_KIT_CACHE: path.join(scratch, 'empty-cache'), DOCKER_HOST: 'unix:///nonexistent.sock' };
    const result = run(repoPath('scripts', 'cluster', 'test-kind.sh'), ['--if-kit-complete'], { env });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), "kind suite not run: the offline kit's cache is incomplete (not built: kind); build it with: npm run kit:build");
  });
});
