import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTracingConfig } from '@faultline/tracer';
import { serviceConfigSpec, type ServiceDefinition } from './service';
import { formatHelpTable, serviceHelp, TRACING_HELP } from './help-table';

const definition: ServiceDefinition<{
  mode: { env: 'A_RATHER_LONG_SETTING_NAME_FOR_WIDTH'; type: 'enum'; values: readonly ['first-choice', 'second-choice', 'third-choice']; default: 'first-choice'; help: string };
}> = {
  name: 'help-test',
  defaultPort: 9999,
  config: {
    mode: {
      env: 'A_RATHER_LONG_SETTING_NAME_FOR_WIDTH',
      type: 'enum',
      values: ['first-choice', 'second-choice', 'third-choice'],
      default: 'first-choice',
      help: 'which mode',
    },
  },
  routes: () => undefined,
};

/** The column each table row's help text starts at. */
function helpColumns(text: string, helps: string[]): number[] {
  const lines = text.split('\n');
  return helps.map((help) => {
    const line = lines.find((l) => l.endsWith(help) || l.includes(`${help} (default`));
    assert.ok(line, `a line with "${help}"`);
    return line.indexOf(help);
  });
}

describe('service --help table', () => {
  const text = serviceHelp(definition.name, serviceConfigSpec(definition));

  it('starts every help text in the same column, whatever the length of the name or type', () => {
    const helps = ['which mode', 'TCP port to listen on', ...TRACING_HELP.map((r) => r.help.replace(/ \(default .*$/, ''))];
    const columns = new Set(helpColumns(text, helps));
    assert.equal(columns.size, 1, `one help column, got ${[...columns].join(', ')}:\n${text}`);
  });

  it('puts a type too long for its column on its own line, the help aligned below', () => {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('always_on|always_off|traceidratio|parentbased_always_on'));
    assert.ok(at > 0);
    assert.match(lines[at], /^\s+OTEL_TRACES_SAMPLER\s+always_on\|.*parentbased_traceidratio$/);
    assert.match(lines[at + 1], /^\s+which traces are recorded/);
    assert.equal(lines[at + 1].search(/\S/), helpColumns(text, ['which mode'])[0]);
  });

  it('lists the tracing variables, OTEL_TRACES_EXPORTER and OTEL_LOG_LEVEL with their accepted values', () => {
    assert.match(text, /OTEL_TRACES_EXPORTER\s+zipkin\|otlp\|console\|none\s+where spans go \(default "zipkin"\)/);
    assert.match(text, /OTEL_LOG_LEVEL\s+none\|error\|warn\|info\|debug\s+/);
    for (const name of ['OTEL_SERVICE_NAME', 'OTEL_EXPORTER_ZIPKIN_ENDPOINT', 'OTEL_PROPAGATORS', 'OTEL_TRACES_SAMPLER_ARG', 'OTEL_SDK_DISABLED']) {
      assert.match(text, new RegExp(`^\\s+${name}\\s`, 'm'));
    }
  });

  it('lists only values the tracer accepts, and the tracer accepts each of them', () => {
    for (const row of TRACING_HELP.filter((r) => /^[a-z_]+(\|[a-z_]+)+$/.test(r.type))) {
      for (const value of row.type.split('|')) {
        assert.doesNotThrow(() => readTracingConfig({ [row.env]: value }), `${row.env}=${value}`);
      }
      assert.throws(() => readTracingConfig({ [row.env]: 'no-such-value' }), new RegExp(row.env));
    }
  });

  it('sizes columns from the content', () => {
    const table = formatHelpTable([{ rows: [{ env: 'A', type: 'int', help: 'one' }, { env: 'LONGER', type: 'string', help: 'two' }] }]);
    assert.equal(table, '  A       int     one\n  LONGER  string  two');
  });
});
