import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, describeConfig, readConfig } from './config';

const spec = {
  port: { env: 'PORT', type: 'port', default: 8080, help: 'port' },
  slow: { env: 'SLOW_SECONDS', type: 'number', min: 0, default: 3, help: 'seconds' },
  retries: { env: 'RETRIES_ENABLED', type: 'boolean', default: true, help: 'retries' },
  mode: { env: 'MODE', type: 'enum', values: ['busy', 'crash'], default: 'crash', help: 'mode' },
  upstream: { env: 'UPSTREAM_URL', type: 'url', default: 'http://x:1', help: 'where' },
  token: { env: 'TOKEN', type: 'string', help: 'optional' },
} as const;

describe('readConfig', () => {
  it('applies defaults and freezes the result', () => {
    const config = readConfig(spec, {});
    assert.deepEqual({ ...config }, { port: 8080, slow: 3, retries: true, mode: 'crash', upstream: 'http://x:1', token: undefined });
    assert.ok(Object.isFrozen(config));
  });

  it('parses typed values', () => {
    const config = readConfig(spec, { PORT: '3000', SLOW_SECONDS: '0.5', RETRIES_ENABLED: 'off', MODE: 'busy', TOKEN: 't' });
    assert.equal(config.port, 3000);
    assert.equal(config.slow, 0.5);
    assert.equal(config.retries, false);
    assert.equal(config.mode, 'busy');
    assert.equal(config.token, 't');
  });

  it('reports every bad variable by name at once', () => {
    assert.throws(
      () => readConfig(spec, { PORT: '70000', SLOW_SECONDS: '-1', RETRIES_ENABLED: 'maybe', MODE: 'x', UPSTREAM_URL: 'nope' }),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems, [
          'PORT="70000" must be a port number 0..65535',
          'SLOW_SECONDS="-1" must be a number in 0..∞',
          'RETRIES_ENABLED="maybe" must be true or false',
          'MODE="x" must be one of: busy, crash',
          'UPSTREAM_URL="nope" is not a URL (e.g. http://host:port)',
        ]);
        return true;
      },
    );
  });

  it('describes the settings for --help', () => {
    const text = describeConfig(spec);
    assert.match(text, /SLOW_SECONDS\s+number\s+seconds \(default 3\)/);
    assert.match(text, /MODE\s+busy\|crash/);
  });
});
