/**
 * A quick look at the broker before starting pods that need it: a clear message in a second beats a
 * readiness timeout (~20 s) with ACCESS_REFUSED buried in a pod's JSON log.
 */
import { connect } from 'node:net';
import amqp from 'amqplib';

/** Why `raw` is not a broker URL the store can use, or undefined when it is one. */
export function brokerUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not a URL (expected amqp://user:password@host:5672)`;
  }
  if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') return `"${url.protocol}//${url.host}" is not an AMQP URL (expected amqp://user:password@host:5672)`;
  if (!url.hostname) return 'the broker URL names no host (expected amqp://user:password@host:5672)';
  return undefined;
}

function shownUrl(url: URL): string {
  return `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'amqps:' ? 5671 : 5672)}`;
}

/** Resolves when something accepts TCP at the broker URL's host and port; rejects with advice otherwise. */
export function checkBrokerReachable(rabbitmqUrl: string, timeoutMs = 2_000): Promise<void> {
  const url = new URL(rabbitmqUrl);
  const port = Number(url.port || 5672);
  const shown = shownUrl(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port, timeout: timeoutMs });
    const fail = (reason: string) => {
      socket.destroy();
      reject(
        new Error(
          `RabbitMQ is not reachable at ${shown} (${reason}): check --rabbitmq-url / RABBITMQ_URL, or unset both and the lab starts its own broker`,
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

/** Reachable, then an AMQP login with the URL's credentials (closed at once); rejects naming what is wrong. */
export async function checkBroker(rabbitmqUrl: string, timeoutMs = 5_000): Promise<void> {
  const problem = brokerUrlProblem(rabbitmqUrl);
  if (problem) throw new Error(problem);
  await checkBrokerReachable(rabbitmqUrl, Math.min(timeoutMs, 2_000));
  const url = new URL(rabbitmqUrl);
  const user = decodeURIComponent(url.username || 'guest');
  let connection: Awaited<ReturnType<typeof amqp.connect>>;
  try {
    connection = await amqp.connect(rabbitmqUrl, { timeout: timeoutMs });
  } catch (error) {
    const text = (error as Error).message;
    if (/ACCESS_REFUSED|403/.test(text)) {
      throw new Error(`RabbitMQ at ${shownUrl(url)} refused user "${user}" (ACCESS_REFUSED): check the user and password in --rabbitmq-url / RABBITMQ_URL`);
    }
    throw new Error(`RabbitMQ at ${shownUrl(url)} did not accept an AMQP connection as "${user}": ${text.replace(/\/\/[^@/]*@/, '//')}`);
  }
  await connection.close().catch(() => undefined);
}
