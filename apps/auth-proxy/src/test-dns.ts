/** A small DNS responder for the tests: real UDP packets, A records from a map, a switch to stop answering. */
import { createSocket, type Socket } from 'node:dgram';
import * as packet from 'dns-packet';

export interface TestDns {
  readonly address: string;
  /** Source ip:port of every query received. */
  readonly sources: string[];
  answering: boolean;
  close(): Promise<void>;
}

export function startTestDns(records: Record<string, string>, host = '127.0.0.1'): Promise<TestDns> {
  const socket: Socket = createSocket('udp4');
  const dns = {
    sources: [] as string[],
    answering: true,
    address: '',
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (message, from) => {
    const query = packet.decode(message);
    dns.sources.push(`${from.address}:${from.port}`);
    if (!dns.answering) return;
    const question = query.questions?.[0];
    if (!question) return;
    const ip = records[question.name.toLowerCase()];
    const reply = packet.encode({
      type: 'response',
      id: query.id,
      flags: packet.RECURSION_DESIRED | (ip ? 0 : 3),
      questions: [question],
      answers: ip && question.type === 'A' ? [{ type: 'A', name: question.name, ttl: 5, data: ip }] : [],
    });
    socket.send(reply, from.port, from.address);
  });
  return new Promise((resolve) => {
    socket.bind(0, host, () => {
      dns.address = `${host}:${socket.address().port}`;
      resolve(dns);
    });
  });
}
