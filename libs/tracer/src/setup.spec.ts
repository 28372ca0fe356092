import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { PropagatorName } from './config';
import { createPropagator, extractedHeaders } from './setup';

const caller = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '463ac35c9f6413ad48485a3953bb6124',
  spanId: '0020000000000001',
  traceFlags: TraceFlags.SAMPLED,
});

describe('extractedHeaders', () => {
  it('names every header a caller using any of the propagators sends, in both B3 forms', () => {
    const all: PropagatorName[] = ['b3multi', 'b3', 'tracecontext'];
    for (const sent of all) {
      const carrier: Record<string, string> = {};
      createPropagator([sent]).inject(caller, carrier, defaultTextMapSetter);
      const keys = Object.keys(carrier).map((key) => key.toLowerCase());
      assert.ok(keys.length > 0, `${sent} wrote no header`);
      // A service reading B3 in one form reads the other too.
      const readers: PropagatorName[][] = sent === 'tracecontext' ? [['tracecontext']] : [['b3multi'], ['b3']];
      for (const reader of readers) {
        for (const key of keys) assert.ok(extractedHeaders(reader).includes(key), `${reader} leaves out ${key}`);
        const lowered = Object.fromEntries(Object.entries(carrier).map(([k, v]) => [k.toLowerCase(), v]));
        const extracted = createPropagator(reader).extract(ROOT_CONTEXT, lowered, defaultTextMapGetter);
        assert.equal(trace.getSpanContext(extracted)?.traceId, '463ac35c9f6413ad48485a3953bb6124');
      }
    }
  });

  it('names none for none, and each header once', () => {
    assert.deepEqual(extractedHeaders(['none']), []);
    const both = extractedHeaders(['b3multi', 'b3', 'tracecontext']);
    assert.equal(new Set(both).size, both.length);
  });
});
