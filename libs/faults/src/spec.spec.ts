import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFaultSpec, parseFaultsVariable, routeMatches } from './spec';

describe('fault specifications', () => {
  it('accepts every built-in fault', () => {
    const result = parseFaultSpec({
      latency: { ms: 300, jitterMs: 50, route: '/api/*', probability: 0.5 },
      error: { status: 503, rate: 0.2 },
      unready: true,
      unhealthy: true,
      crash: { exitCode: 3, afterMs: 10 },
      hang: { ms: 1000 },
    });
    assert.equal(result.ok, true);
  });

  it('says what is wrong, field by field', () => {
    const result = parseFaultSpec({ latency: { ms: -1, speed: 2 }, error: { status: 200 }, unready: 'yes', bogus: {} });
    assert.equal(result.ok, false);
    const problems = result.ok ? [] : result.problems;
    assert.ok(problems.includes('latency.ms must be a number in 0..3600000'));
    assert.ok(problems.some((p) => p.startsWith('latency.speed is not a field of latency')));
    assert.ok(problems.includes('error.status must be an integer in 400..599'));
    assert.ok(problems.includes('unready must be true or false'));
    assert.ok(problems.some((p) => p.startsWith('unknown fault "bogus"')));
  });

  it('rejects what is not an object, and bad routes', () => {
    assert.equal(parseFaultSpec([]).ok, false);
    assert.equal(parseFaultSpec('latency').ok, false);
    const result = parseFaultSpec({ error: { status: 500, route: 'api' } });
    assert.deepEqual(result.ok ? [] : result.problems, ['error.route must start with /']);
  });

  it('validates service-specific faults with the validator the service gives', () => {
    const dns = (value: unknown) => (typeof value === 'object' && value ? [] : ['dns must be an object']);
    assert.equal(parseFaultSpec({ dns: { 'a.example': { action: 'drop' } } }, { dns }).ok, true);
    assert.deepEqual(parseFaultSpec({ dns: 3 }, { dns }), { ok: false, problems: ['dns must be an object'] });
  });

  it('reads the FAULTS variable: empty means none, bad JSON is reported', () => {
    assert.deepEqual(parseFaultsVariable(undefined), { ok: true, spec: {} });
    assert.deepEqual(parseFaultsVariable('  '), { ok: true, spec: {} });
    const bad = parseFaultsVariable('{latency');
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.problems[0], /^FAULTS is not valid JSON/);
    assert.deepEqual(parseFaultsVariable('{"unready":true,"unhealthy":false}'), { ok: true, spec: { unready: true } });
  });

  it('matches exact routes and prefixes ending in *', () => {
    assert.ok(routeMatches(undefined, '/anything'));
    assert.ok(routeMatches('/api/*', '/api/orders'));
    assert.ok(!routeMatches('/api/*', '/apx'));
    assert.ok(routeMatches('/', '/'));
    assert.ok(!routeMatches('/', '/x'));
  });
});
