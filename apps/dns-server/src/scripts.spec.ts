import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '@faultline/service-kit/testing';
import { requireTool, skipWithout } from '@faultline/test-support';
import { resolverCode } from './test-support';

const ROOT = path.resolve(__dirname, '../../..');
const BUNDLE = path.join(ROOT, 'dist/apps/dns-server/main.js');
const BREAK = path.join(ROOT, 'scripts/dns/break-upstream.sh');
const FIX = path.join(ROOT, 'scripts/dns/fix-upstream.sh');
const TOKEN = 'scripts-test-token';

describe('break-upstream.sh and fix-upstream.sh against a real dns-server process', () => {
  let child: ChildProcess;
  const lines: Record<string, unknown>[] = [];
  let adminUrl = '';
  let dnsServer = '';

  const run = (script: string, args: string[] = [], env: Record<string, string> = {}) =>
    spawnSync(script, args, { encoding: 'utf8', timeout: 20_000, env: { ...process.env, DNS_ADMIN_URL: adminUrl, ADMIN_TOKEN: TOKEN, ...env } });
  const resolve4 = (name: string, timeout = 2000) => {
    const resolver = new Resolver({ timeout, tries: 1 });
    resolver.setServers([dnsServer]);
    return resolver.resolve4(name);
  };

  before(async () => {
    if (!existsSync(BUNDLE)) {
      const build = spawnSync(process.execPath, ['tools/build-app.mjs', 'dns-server'], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(build.status, 0, build.stderr);
    }
    child = spawn(process.execPath, [BUNDLE], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DNS_PORT: '0',
        DNS_HOST: '127.0.0.1',
        ADMIN_TOKEN: TOKEN,
        OTEL_SDK_DISABLED: 'true',
        DNS_ROLE: 'upstream',
        DNS_RECORDS: JSON.stringify({ 'myexternalserver.com': ['10.0.0.9'], 'other.example': ['10.0.0.8'] }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) if (line.trim()) lines.push(JSON.parse(line));
    });
    adminUrl = await pollUntil(() => lines.find((l) => l.msg === 'listening')?.url as string | undefined, { timeoutMs: 10_000, what: 'the HTTP listener' });
    const port = await pollUntil(() => lines.find((l) => l.msg === 'dns listening')?.port as number | undefined, { what: 'the DNS listener' });
    dnsServer = `127.0.0.1:${port}`;
  });
  after(() => {
    if (child?.pid) process.kill(child.pid, 'SIGTERM');
  });

  it('prints usage with --help', () => {
    for (const script of [BREAK, FIX]) {
      const result = run(script, ['--help']);
      assert.equal(result.status, 0);
      assert.match(result.stdout, /^Usage: /);
      assert.match(result.stdout, /DNS_ADMIN_URL/);
    }
  });

  it('breaks myexternalserver.com (no reply) and fixes it, leaving other names alone', async () => {
    assert.deepEqual(await resolve4('myexternalserver.com'), ['10.0.0.9']);
    const broke = run(BREAK);
    assert.equal(broke.status, 0, broke.stderr);
    assert.match(broke.stdout, /myexternalserver\.com -> drop/);
    assert.equal(await resolverCode(resolve4('myexternalserver.com', 300)), 'ETIMEOUT');
    assert.deepEqual(await resolve4('other.example'), ['10.0.0.8']);

    assert.equal(run(BREAK, ['--name', 'other.example', '--action', 'servfail']).status, 0);
    assert.equal(await resolverCode(resolve4('other.example')), 'ESERVFAIL');

    const fixed = run(FIX);
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.deepEqual(await resolve4('myexternalserver.com'), ['10.0.0.9']);
    assert.equal(await resolverCode(resolve4('other.example')), 'ESERVFAIL', 'the fix touches only its name');
    assert.equal(run(FIX, ['--all']).status, 0);
    assert.deepEqual(await resolve4('other.example'), ['10.0.0.8']);
    const faults = await (await fetch(`${adminUrl}/admin/faults`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    assert.deepEqual((faults as { faults: object }).faults, {});
  });

  it('takes another action and a delay', async () => {
    const result = run(BREAK, ['--action', 'delay', '--delay-ms', '50']);
    assert.equal(result.status, 0, result.stderr);
    const res = await fetch(`${adminUrl}/admin/faults/dns`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.deepEqual(((await res.json()) as { value: unknown }).value, { 'myexternalserver.com': { action: 'delay', delayMs: 50 } });
    assert.deepEqual(await resolve4('myexternalserver.com'), ['10.0.0.9']);
    assert.equal(run(FIX).status, 0);
  });

  it('fails clearly: no token, a wrong token, an unreachable server, a bad action', () => {
    const noToken = run(BREAK, [], { ADMIN_TOKEN: '' });
    assert.equal(noToken.status, 2);
    assert.match(noToken.stderr, /ADMIN_TOKEN is not set/);
    const wrong = run(FIX, [], { ADMIN_TOKEN: 'wrong' });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /rejected ADMIN_TOKEN \(401 Unauthorized\)/);
    const unreachable = run(BREAK, [], { DNS_ADMIN_URL: 'http://127.0.0.1:1' });
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.stderr, /cannot reach the dns-server admin API at http:\/\/127\.0\.0\.1:1/);
    const bad = run(BREAK, ['--action', 'explode']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--action must be one of/);
  });

  it('passes shellcheck', { skip: skipWithout('shellcheck') }, () => {
    const result = spawnSync(requireTool('shellcheck'), ['-x', BREAK, FIX, path.join(ROOT, 'scripts/dns/admin-api.sh')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout);
  });
});
