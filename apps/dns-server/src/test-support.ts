/** Helpers for dns-server's specs: serve a dns-server in-process, ask it raw questions, read its query log. */
import { createSocket } from 'node:dgram';
import { Socket } from 'node:net';
import * as packet from 'dns-packet';
import { startTestService, type TestService } from '@faultline/service-kit/testing';
import { dnsServer } from './app';
import type { QueryEntry } from './query-log';
import type { DNS_SETTINGS } from './settings';
import { decodeMessage, type DecodedMessage } from './wire';

export const ADMIN_TOKEN = 'dns-test-token';

export interface RunningDns {
  svc: TestService<typeof DNS_SETTINGS>;
  dnsPort: number;
  /** 127.0.0.1:port, for dns.Resolver#setServers and DNS_FORWARDERS. */
  server: string;
  queries(params?: Record<string, string>): Promise<QueryEntry[]>;
  setFaults(dns: unknown): Promise<Response>;
  stop(): Promise<void>;
}

export async function startDns(env: Record<string, string>): Promise<RunningDns> {
  let dnsPort = 0;
  const svc = await startTestService(dnsServer({ onDnsListening: (a) => void (dnsPort = a.port) }), {
    DNS_HOST: '127.0.0.1',
    DNS_PORT: '0',
    ADMIN_TOKEN,
    ...env,
  });
  return {
    svc,
    dnsPort,
    server: `127.0.0.1:${dnsPort}`,
    async queries(params = {}) {
      const res = await fetch(`${svc.url}/queries?${new URLSearchParams({ limit: '2000', ...params })}`);
      if (res.status !== 200) throw new Error(`GET /queries answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { queries: QueryEntry[] }).queries;
    },
    setFaults(dns) {
      return fetch(`${svc.url}/admin/faults/dns`, {
        method: dns === null ? 'DELETE' : 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: dns === null ? undefined : JSON.stringify(dns),
      });
    },
    stop: () => svc.stop(),
  };
}

export interface RawQuery {
  name: string;
  type?: packet.RecordType;
  proto?: 'udp' | 'tcp';
  timeoutMs?: number;
  edns?: boolean;
}

/** Sends one query built with dns-packet and decodes the reply; rejects with "timeout" when none comes. */
export function rawQuery(port: number, { name, type = 'A', proto = 'udp', timeoutMs = 2000, edns = false }: RawQuery): Promise<DecodedMessage> {
  const query = packet.encode({
    type: 'query',
    id: Math.floor(Math.random() * 65536),
    flags: packet.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  });
  return proto === 'udp' ? sendUdp(port, query, timeoutMs).then(decodeMessage) : sendTcp(port, query, timeoutMs).then(decodeMessage);
}

export function sendUdp(port: number, bytes: Buffer, timeoutMs: number): Promise<Buffer> {
  const socket = createSocket('udp4');
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
    socket.on('error', reject);
    socket.send(bytes, port, '127.0.0.1');
  }).finally(() => socket.close());
}

export function sendTcp(port: number, bytes: Buffer, timeoutMs: number): Promise<Buffer> {
  const socket = new Socket();
  return new Promise<Buffer>((resolve, reject) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        clearTimeout(timer);
        resolve(received.subarray(2, 2 + received.readUInt16BE(0)));
      }
    });
    socket.connect(port, '127.0.0.1', () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(bytes.length);
      socket.write(Buffer.concat([prefix, bytes]));
    });
  }).finally(() => socket.destroy());
}

/** The error code a dns.Resolver call rejected with (ENOTFOUND, ESERVFAIL, ...), or "resolved". */
export async function resolverCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'resolved';
  } catch (error) {
    return String((error as { code?: string }).code);
  }
}

/** The A and AAAA addresses in a reply, in order. */
export function addressesIn(reply: DecodedMessage): string[] {
  return (reply.answers ?? []).flatMap((a) => (a.type === 'A' || a.type === 'AAAA' ? [a.data] : []));
}
