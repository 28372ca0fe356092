/**
 * One question to the configured name servers, the way glibc's res_send asks it: over UDP, each try
 * waiting `timeoutMs`, `attempts` rounds over the servers; a truncated reply is asked again over TCP;
 * SERVFAIL, REFUSED and NOTIMP move on to the next server (and round).
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6, Socket } from 'node:net';
import * as packet from 'dns-packet';
import type { NameServer, ResolvConfig } from './resolv-conf';

export type QueryOutcome =
  | { kind: 'answer'; addresses: string[] }
  | { kind: 'nxdomain' }
  | { kind: 'servfail' }
  | { kind: 'timeout' };

type Reply = packet.DecodedPacket & { rcode?: string };

function encodeQuery(id: number, name: string, type: 'A' | 'AAAA'): Buffer {
  return packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
}

/** Only the reply to this question (same id, same name and type) counts; glibc ignores the rest too. */
function matches(reply: Reply, id: number, name: string, type: string): boolean {
  const question = reply.questions?.[0];
  return reply.type === 'response' && reply.id === id && !!question && question.type === type && question.name.toLowerCase() === name.toLowerCase().replace(/\.$/, '');
}

function decodeOrUndefined(raw: Buffer): Reply | undefined {
  try {
    return packet.decode(raw) as Reply;
  } catch {
    return undefined;
  }
}

/** The source address to bind, when one is set and it is of the server's family. */
function fromAddress(sourceAddress: string | undefined, server: NameServer): string | undefined {
  return sourceAddress && isIPv6(sourceAddress) === isIPv6(server.host) ? sourceAddress : undefined;
}

function askUdp(server: NameServer, query: Buffer, id: number, name: string, type: string, timeoutMs: number, from?: string): Promise<Reply | undefined> {
  const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
  return new Promise<Reply | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    const finish = (reply: Reply | undefined) => {
      clearTimeout(timer);
      resolve(reply);
    };
    socket.on('error', () => finish(undefined)); // ECONNREFUSED (nothing listening): on to the next try
    socket.on('message', (raw) => {
      const reply = decodeOrUndefined(raw);
      if (reply && matches(reply, id, name, type)) finish(reply);
    });
    const send = () => socket.connect(server.port, server.host, () => socket.send(query, (error) => error && finish(undefined)));
    if (from) socket.bind({ port: 0, address: from }, send);
    else send();
  }).finally(() => socket.close());
}

function askTcp(server: NameServer, query: Buffer, id: number, name: string, type: string, timeoutMs: number, from?: string): Promise<Reply | undefined> {
  const socket = new Socket();
  return new Promise<Reply | undefined>((resolve) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    const finish = (reply: Reply | undefined) => {
      clearTimeout(timer);
      resolve(reply);
    };
    socket.on('error', () => finish(undefined));
    socket.on('close', () => finish(undefined));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      const reply = decodeOrUndefined(received.subarray(2, 2 + received.readUInt16BE(0)));
      finish(reply && matches(reply, id, name, type) ? reply : undefined);
    });
    socket.connect({ port: server.port, host: server.host, ...(from ? { localAddress: from } : {}) }, () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
  }).finally(() => socket.destroy());
}

function addressesOf(reply: Reply, type: 'A' | 'AAAA'): string[] {
  return (reply.answers ?? []).flatMap((a) => (a.type === type ? [a.data] : []));
}

/** Asks `name` (fully qualified) for `type` records. */
export async function queryAddresses(config: ResolvConfig, name: string, type: 'A' | 'AAAA'): Promise<QueryOutcome> {
  let sawServfail = false;
  for (let attempt = 0; attempt < config.attempts; attempt++) {
    for (const server of config.nameservers) {
      const id = randomInt(0, 65536);
      const query = encodeQuery(id, name, type);
      const from = fromAddress(config.sourceAddress, server);
      let reply = await askUdp(server, query, id, name, type, config.timeoutMs, from);
      if (reply?.flag_tc) reply = await askTcp(server, query, id, name, type, config.timeoutMs, from);
      if (!reply) continue;
      const rcode = reply.rcode ?? 'NOERROR';
      if (rcode === 'NOERROR') return { kind: 'answer', addresses: addressesOf(reply, type) };
      if (rcode === 'NXDOMAIN') return { kind: 'nxdomain' };
      sawServfail = true;
    }
  }
  return sawServfail ? { kind: 'servfail' } : { kind: 'timeout' };
}
