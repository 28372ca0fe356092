import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTracingConfig, TracingConfigError } from './config';

describe('readTracingConfig', () => {
  it('defaults to B3 multi-header, parent-based always-on sampling and the Zipkin exporter', () => {
    const config = readTracingConfig({});
    assert.deepEqual(config.propagators, ['b3multi']);
    assert.equal(config.sampler, 'parentbased_always_on');
    assert.equal(config.exporter, 'zipkin');
    assert.equal(config.disabled, false);
    assert.equal(config.logLevel, 'info');
    assert.ok(Object.isFrozen(config));
  });

  it('reads the standard OTEL_* variables', () => {
    const config = readTracingConfig({
      OTEL_SERVICE_NAME: 'svc',
      OTEL_PROPAGATORS: 'b3, tracecontext',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans',
      OTEL_SDK_DISABLED: 'TRUE',
      OTEL_LOG_LEVEL: 'WARN',
    });
    assert.equal(config.serviceName, 'svc');
    assert.deepEqual(config.propagators, ['b3', 'tracecontext']);
    assert.equal(config.samplerRatio, 0.25);
    assert.equal(config.zipkinEndpoint, 'http://zipkin:9411/api/v2/spans');
    assert.equal(config.disabled, true);
    assert.equal(config.logLevel, 'warn');
  });

  it('names the variable and the allowed values when a value is wrong', () => {
    assert.throws(() => readTracingConfig({ OTEL_PROPAGATORS: 'jaeger' }), (error: Error) => {
      assert.ok(error instanceof TracingConfigError);
      assert.match(error.message, /OTEL_PROPAGATORS="jaeger" is not one of: b3multi, b3, tracecontext, none/);
      return true;
    });
    assert.throws(() => readTracingConfig({ OTEL_TRACES_SAMPLER_ARG: '2' }), /OTEL_TRACES_SAMPLER_ARG="2" must be a number from 0 to 1/);
    assert.throws(() => readTracingConfig({ OTEL_TRACES_SAMPLER: 'sometimes' }), /OTEL_TRACES_SAMPLER/);
    assert.throws(() => readTracingConfig({ OTEL_LOG_LEVEL: 'loud' }), /OTEL_LOG_LEVEL="loud" is not one of: none, error, warn, info, debug/);
  });
});

describe('readTracingConfig: OTLP', () => {
  it('sends to localhost:4318/v1/traces by default, and reads nothing of OTLP for another exporter', () => {
    assert.equal(readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).otlp.tracesEndpoint, 'http://localhost:4318/v1/traces');
    assert.deepEqual(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }).otlp.headers, {});
  });

  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT and takes OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is', () => {
    const base = readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
    assert.equal(base.otlp.tracesEndpoint, 'http://collector:4318/v1/traces');
    const traces = readTracingConfig({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://tempo.example:4318/otlp/v1/traces',
    });
    assert.equal(traces.otlp.tracesEndpoint, 'https://tempo.example:4318/otlp/v1/traces');
  });

  it('reads URL-encoded headers, the traces-specific ones over the generic ones', () => {
    const config = readTracingConfig({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc, x-tenant=a',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=b',
    });
    assert.deepEqual(config.otlp.headers, { authorization: 'Bearer abc', 'x-tenant': 'b' });
    assert.ok(Object.isFrozen(config.otlp.headers));
  });

  it('names the variable when a value is wrong, and speaks only http/protobuf', () => {
    assert.throws(() => readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }), /OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318" is not an http\(s\) URL/);
    assert.throws(() => readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }), /OTEL_EXPORTER_OTLP_HEADERS: "novalue" is not key=value/);
    assert.throws(() => readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), /OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not one of: http\/protobuf/);
    assert.throws(() => readTracingConfig({ OTEL_TRACES_EXPORTER: 'jaeger' }), /OTEL_TRACES_EXPORTER="jaeger" is not one of: zipkin, otlp, console, none/);
  });
});
