/**
 * A loopback TCP forwarder the test controls: a stable address in front of a backend that goes away,
 * restarts or moves (a broker whose connection drops, a pod behind a Service). With no target, new
 * connections are reset; `cut()` also drops every open one.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpTarget {
  host: string;
  port: number;
}

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Forwards new connections to `target` (a port on 127.0.0.1, or host and port); undefined refuses them. */
  pointAt(target: TcpTarget | number | undefined): void;
  /** Drops every open connection and refuses new ones until pointAt. */
  cut(): void;
  /** `url` with the host and port replaced by the proxy's, keeping credentials and path. */
  urlFor(original: string): string;
  close(): Promise<void>;
}

export async function startTcpProxy(initial?: TcpTarget | number): Promise<TcpProxy> {
  const toTarget = (t: TcpTarget | number | undefined) => (typeof t === 'number' ? { host: '127.0.0.1', port: t } : t);
  let target = toTarget(initial);
  let accepted = 0;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    accepted++;
    if (!target) return void client.resetAndDestroy();
    const upstream = createConnection(target);
    open.add(client).add(upstream);
    const end = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    upstream.once('error', () => client.resetAndDestroy());
    client.on('error', end).on('close', end);
    upstream.on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const cut = () => {
    target = undefined;
    for (const socket of open) socket.destroy();
    open.clear();
  };
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    pointAt: (next) => void (target = toTarget(next)),
    cut,
    urlFor: (original) => {
      const url = new URL(original);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    close: () =>
      new Promise<void>((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
}
