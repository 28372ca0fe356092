/**
 * Forwarding a query to an upstream server over UDP or TCP (the transport the client used, as CoreDNS's
 * forward plugin does by default), with a deadline. The query goes out under a fresh random id, and the
 * reply comes back under the client's id; replies with another id are ignored.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6, Socket } from 'node:net';
import type { Forwarder } from './forwarders';
import { decodeMessage, type DecodedMessage } from './wire';

export class ForwardError extends Error {
  constructor(
    readonly reason: 'timeout' | 'network' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

export interface Forwarded {
  raw: Buffer;
  message: DecodedMessage;
}

function withId(buf: Buffer, id: number): Buffer {
  const copy = Buffer.from(buf);
  copy.writeUInt16BE(id, 0);
  return copy;
}

function accept(raw: Buffer, upstreamId: number, clientId: number): Forwarded | undefined {
  if (raw.length < 12 || raw.readUInt16BE(0) !== upstreamId) return undefined;
  try {
    return { raw: withId(raw, clientId), message: decodeMessage(raw) };
  } catch {
    throw new ForwardError('malformed', 'upstream reply could not be decoded');
  }
}

function forwardUdp(query: Buffer, to: Forwarder, timeoutMs: number, clientId: number, localAddress?: string): Promise<Forwarded> {
  const upstreamId = randomInt(0, 65536);
  const socket = createSocket(isIPv6(to.host) ? 'udp6' : 'udp4');
  const from = sameFamily(localAddress, to.host);
  return new Promise<Forwarded>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ForwardError('timeout', `no reply from ${to.label} within ${timeoutMs} ms`)), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      socket.close();
    };
    socket.on('error', (error) => {
      done();
      reject(new ForwardError('network', `${to.label}: ${error.message}`));
    });
    socket.on('message', (raw) => {
      try {
        const forwarded = accept(raw, upstreamId, clientId);
        if (!forwarded) return;
        done();
        resolve(forwarded);
      } catch (error) {
        done();
        reject(error);
      }
    });
    const send = () => socket.connect(to.port, to.host, () => socket.send(withId(query, upstreamId)));
    if (from) socket.bind({ port: 0, address: from }, send);
    else send();
  }).finally(() => {
    try {
      socket.close();
    } catch {
      /* already closed */
    }
  });
}

function forwardTcp(query: Buffer, to: Forwarder, timeoutMs: number, clientId: number, localAddress?: string): Promise<Forwarded> {
  const upstreamId = randomInt(0, 65536);
  const socket = new Socket();
  return new Promise<Forwarded>((resolve, reject) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new ForwardError('timeout', `no reply from ${to.label} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => reject(new ForwardError('network', `${to.label}: ${error.message}`)));
    socket.on('close', () => reject(new ForwardError('network', `${to.label} closed the connection without a reply`)));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      try {
        const forwarded = accept(received.subarray(2, 2 + received.readUInt16BE(0)), upstreamId, clientId);
        if (forwarded) resolve(forwarded);
        else reject(new ForwardError('malformed', `${to.label} answered with another id`));
      } catch (error) {
        reject(error);
      }
    });
    const from = sameFamily(localAddress, to.host);
    socket.connect({ port: to.port, host: to.host, ...(from ? { localAddress: from } : {}) }, () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, withId(query, upstreamId)]));
    });
    socket.once('close', () => clearTimeout(timer));
  }).finally(() => socket.destroy());
}

/** The source address to bind, when one is given and it is of the forwarder's family. */
function sameFamily(localAddress: string | undefined, host: string): string | undefined {
  return localAddress && isIPv6(localAddress) === isIPv6(host) ? localAddress : undefined;
}

/** `localAddress`: the address to send from (the server's own), as a pod's DNS server sends from its pod IP. */
export function forwardQuery(proto: 'udp' | 'tcp', query: Buffer, to: Forwarder, timeoutMs: number, clientId: number, localAddress?: string): Promise<Forwarded> {
  return proto === 'tcp' ? forwardTcp(query, to, timeoutMs, clientId, localAddress) : forwardUdp(query, to, timeoutMs, clientId, localAddress);
}
