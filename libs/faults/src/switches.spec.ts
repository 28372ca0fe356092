import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { pollUntil } from '@faultline/test-support';
import { FaultSwitches } from './switches';

describe('FaultSwitches', () => {
  it('sets, replaces and clears faults, and shows them as metrics', async () => {
    const registry = new Registry();
    const switches = new FaultSwitches({ registry });
    assert.equal(switches.set('unready', true).ok, true);
    assert.equal(switches.set('latency', { ms: 5 }).ok, true);
    assert.deepEqual(switches.current(), { unready: true, latency: { ms: 5 } });
    switches.countInjected('latency');
    let metrics = await registry.metrics();
    assert.match(metrics, /faultline_fault_active\{fault="unready"\} 1/);
    assert.match(metrics, /faultline_fault_active\{fault="error"\} 0/);
    assert.match(metrics, /faultline_faults_injected_total\{fault="latency"\} 1/);

    assert.equal(switches.replace({ error: { status: 500 } }).ok, true);
    assert.deepEqual(switches.current(), { error: { status: 500 } });
    switches.clear('error');
    assert.deepEqual(switches.current(), {});
    metrics = await registry.metrics();
    assert.match(metrics, /faultline_fault_active\{fault="unready"\} 0/);
  });

  it('keeps the current faults when an update is invalid', () => {
    const switches = new FaultSwitches();
    switches.set('unready', true);
    const result = switches.replace({ latency: { ms: 'slow' } });
    assert.equal(result.ok, false);
    assert.deepEqual(switches.current(), { unready: true });
  });

  it('crashes with the exit code after the delay, unless cleared first', async () => {
    const exits: number[] = [];
    const switches = new FaultSwitches({ exit: (code) => void exits.push(code) });
    switches.set('crash', { exitCode: 7, afterMs: 60_000 });
    switches.clear('crash');
    switches.set('crash', { exitCode: 3, afterMs: 10 });
    await pollUntil(() => exits.length > 0, { what: 'the crash' });
    assert.deepEqual(exits, [3]);
    switches.dispose();
  });
});
