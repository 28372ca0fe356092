/** A quick look for the broker before starting pods that need it: a clear message beats a readiness timeout. */
import { connect } from 'node:net';

/** Resolves when something accepts TCP at the broker URL's host and port; rejects with advice otherwise. */
export function checkBrokerReachable(rabbitmqUrl: string, timeoutMs = 2_000): Promise<void> {
  const url = new URL(rabbitmqUrl);
  const port = Number(url.port || 5672);
  const shown = `${url.protocol}//${url.hostname}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port, timeout: timeoutMs });
    const fail = (reason: string) => {
      socket.destroy();
      reject(
        new Error(
          `RabbitMQ is not reachable at ${shown} (${reason}): start one (e.g. \`apt-get install rabbitmq-server && rabbitmq-server -detached\`) or point --rabbitmq-url / RABBITMQ_URL at one`,
        ),
      );
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
  });
}
