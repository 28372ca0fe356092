/**
 * A loopback TCP forwarder standing in for a Kubernetes Service in front of a pod that restarts: the
 * client keeps one address while the test points the forwarder at whichever backend process is current.
 * With no backend up, connections are reset, as they would be without ready endpoints.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: () => number;
  pointAt(port: number | undefined): void;
  close(): Promise<void>;
}

export async function startTcpProxy(): Promise<TcpProxy> {
  let target: number | undefined;
  let accepted = 0;
  const open = new Set<Socket>();
  const server = createServer((downstream) => {
    accepted++;
    open.add(downstream);
    downstream.once('close', () => open.delete(downstream));
    if (target === undefined) return void downstream.resetAndDestroy();
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    upstream.once('error', () => downstream.resetAndDestroy());
    downstream.once('error', () => upstream.destroy());
    upstream.once('close', () => downstream.destroy());
    downstream.once('close', () => upstream.destroy());
    downstream.pipe(upstream).pipe(downstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => accepted,
    pointAt: (port) => void (target = port),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
