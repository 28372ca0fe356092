// One RabbitMQ for a whole test run: the lab's own private rabbitmq-server node (e2e/src/lab/lab-broker.ts),
// started by the test runner and stopped at its end, its URL given to every test as RABBITMQ_URL. A run
// started with RABBITMQ_URL set uses that broker instead. Where no broker can be had (rabbitmq-server not
// installed, and not root with apt), broker tests skip with the reason (FAULTLINE_NO_BROKER), and with CI
// set the run fails instead.
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

function inCi() {
  const value = (process.env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/**
 * Resolves to { env, stop }: the variables to give the tests, and how to stop the broker. Throws
 * (after saying why) when CI is set and no broker can be had.
 */
export async function startTestBroker(say = (line) => process.stdout.write(`${line}\n`)) {
  if (process.env.RABBITMQ_URL) return { env: {}, stop: async () => undefined };
  // The harness's TypeScript (ES module entry, CommonJS inside), loaded through tsx.
  const unregister = [registerEsm(), registerCjs()];
  const { startLabBroker } = await import('../e2e/src/lab/lab-broker.ts');
  const { BrokerUnavailableError } = await import('../e2e/src/targets/local/rabbitmq-install.ts');
  for (const undo of unregister) undo();
  const started = Date.now();
  try {
    const broker = await startLabBroker({ anyPort: true, say });
    say(`test broker: ${broker.describe()}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // rabbitmqctl reaches the node through FAULTLINE_RABBITMQCTL (see rabbitmqctl() in libs/test-support).
    return { env: { RABBITMQ_URL: broker.url, FAULTLINE_RABBITMQCTL: JSON.stringify(broker.node.ctl) }, stop: () => broker.stop() };
  } catch (error) {
    if (!(error instanceof BrokerUnavailableError) || inCi()) throw error;
    const reason = error.message.split('\n')[0];
    say(`broker tests skipped: ${reason}`);
    return { env: { FAULTLINE_NO_BROKER: reason }, stop: async () => undefined };
  }
}
