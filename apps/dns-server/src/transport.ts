/**
 * DNS over UDP and TCP on one address and port (RFC 1035 4.2). TCP messages carry a two-byte length
 * prefix; a connection may carry several queries, answered as they complete. Everything that arrives is
 * handed to `handle`; nothing a client sends can throw out of here.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIPv6, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@faultline/tracer';
import type { Inbound } from './engine';

export type QueryHandler = (inbound: Inbound) => Promise<Buffer | undefined>;

export interface DnsListener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Connections idle this long are closed (RFC 7766 suggests seconds, not minutes). */
const TCP_IDLE_MS = 10_000;
/** With DNS_PORT=0, how many ephemeral ports to try before giving up on getting UDP and TCP on the same one. */
const SAME_PORT_TRIES = 20;

function endpoint(address: string, port: number): string {
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

function bindUdp(host: string, port: number, handle: QueryHandler, log: Logger): Promise<UdpSocket> {
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      socket.on('error', (error) => log.warn('udp socket error', { error }));
      const dst = endpoint(host, socket.address().port);
      socket.on('message', (raw, remote) => {
        handle({ proto: 'udp', src: endpoint(remote.address, remote.port), dst, raw })
          .then((reply) => {
            if (reply) socket.send(reply, remote.port, remote.address, () => undefined);
          })
          .catch((error) => log.error('udp query handling failed', { error }));
      });
      resolve(socket);
    });
  });
}

function serveConnection(socket: Socket, handle: QueryHandler, log: Logger): void {
  let pending = Buffer.alloc(0);
  const src = endpoint(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
  const dst = endpoint(socket.localAddress ?? '?', socket.localPort ?? 0);
  socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) break;
      const raw = Buffer.from(pending.subarray(2, 2 + length));
      pending = pending.subarray(2 + length);
      handle({ proto: 'tcp', src, dst, raw })
        .then((reply) => {
          if (!reply || socket.destroyed || !socket.writable) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([prefix, reply]));
        })
        .catch((error) => log.error('tcp query handling failed', { error }));
    }
  });
}

function bindTcp(host: string, port: number, handle: QueryHandler, log: Logger): Promise<Server> {
  const server = createServer((socket) => serveConnection(socket, handle, log));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', (error) => log.warn('tcp server error', { error }));
      resolve(server);
    });
  });
}

const closeUdp = (socket: UdpSocket) => new Promise<void>((done) => socket.close(() => done()));
const closeTcp = (server: Server) =>
  new Promise<void>((done) => {
    server.close(() => done());
    server.unref();
  });

/** Binds UDP and TCP on host:port; with port 0, on one ephemeral port shared by both. */
export async function listenDns(host: string, port: number, handle: QueryHandler, log: Logger): Promise<DnsListener> {
  for (let attempt = 1; ; attempt++) {
    const udp = await bindUdp(host, port, handle, log);
    const bound = udp.address().port;
    try {
      const tcp = await bindTcp(host, bound, handle, log);
      const sockets = new Set<Socket>();
      tcp.on('connection', (socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      return {
        host,
        port: bound,
        close: async () => {
          for (const socket of sockets) socket.destroy();
          await Promise.all([closeUdp(udp), closeTcp(tcp)]);
        },
      };
    } catch (error) {
      await closeUdp(udp);
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (port !== 0 || !inUse || attempt >= SAME_PORT_TRIES) throw error;
    }
  }
}
