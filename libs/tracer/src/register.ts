/**
 * The sidecar preload: `node --require ./tracing.js main.js`. Starts tracing from the OTEL_* variables
 * before the app loads express, http clients or amqplib. A bad variable stops start-up with its name.
 */
import { readTracingConfig, TracingConfigError } from './config';
import { startTracing } from './setup';

try {
  startTracing(readTracingConfig(process.env));
} catch (error) {
  if (!(error instanceof TracingConfigError)) throw error;
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: `invalid tracing configuration: ${error.message}` })}\n`);
  process.exit(78);
}
