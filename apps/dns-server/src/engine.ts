/**
 * One query's life: decode, apply the `dns` fault for its name, answer (from records, or forwarded in
 * the cluster role), then count it, log it and keep it in the query log. Never throws: a packet that
 * cannot be decoded gets FORMERR when its header is readable, and nothing otherwise.
 */
import type { Answer, Question } from 'dns-packet';
import type { FaultSwitches } from '@faultline/faults';
import type { Logger } from '@faultline/tracer';
import { setTimeout as delay } from 'node:timers/promises';
import { clusterAnswer, upstreamAnswer, type LocalAnswer } from './answers';
import type { DnsMetrics } from './dns-metrics';
import { type DnsFault, faultFor } from './dns-fault';
import { ForwardError, forwardQuery } from './forward';
import type { Forwarder } from './forwarders';
import type { QueryEntry, QueryLog } from './query-log';
import type { RecordTable } from './records';
import {
  buildResponse,
  decodeMessage,
  type DecodedMessage,
  displayName,
  encodeMessage,
  fitForUdp,
  formatErrorResponse,
  headerId,
  isResponseHeader,
  type Rcode,
  rcodeName,
  rcodeOf,
  typeLabel,
} from './wire';

export type DnsRole = 'upstream' | 'cluster';

export interface EngineOptions {
  role: DnsRole;
  records: RecordTable;
  forwarders: readonly Forwarder[];
  forwardTimeoutMs: number;
  clusterDomain: string;
  /** Address the forwarded queries are sent from (the server's own pod address), else any. */
  sourceAddress?: string;
  faults: FaultSwitches;
  log: Logger;
  metrics: DnsMetrics;
  queryLog: QueryLog;
}

export interface Inbound {
  proto: 'udp' | 'tcp';
  /** ip:port of the client. */
  src: string;
  /** ip:port this server received it on. */
  dst: string;
  raw: Buffer;
}

interface Result {
  rcode: Rcode | string | null;
  response?: Buffer;
  answers: Answer[];
  fault?: string;
  forwarded_to?: string;
  forward_error?: string;
}

/**
 * Resolves once `ms` have passed by the process clock. A timer alone can fire up to a millisecond early (it
 * counts from the event loop's cached time), and a delay fault promises at least its delay.
 */
async function waitAtLeast(ms: number): Promise<void> {
  const until = process.hrtime.bigint() + BigInt(Math.ceil(ms * 1e6));
  for (let left = ms; left > 0; left = Number(until - process.hrtime.bigint()) / 1e6) await delay(Math.ceil(left));
}

export class DnsEngine {
  private nextForwarder = 0;
  private nextRotation = 0;

  constructor(private readonly options: EngineOptions) {}

  /** The bytes to send back, or undefined for no reply. */
  async handle(inbound: Inbound): Promise<Buffer | undefined> {
    const started = process.hrtime.bigint();
    const { metrics, log } = this.options;
    if (isResponseHeader(inbound.raw)) {
      metrics.malformed.inc({ proto: inbound.proto });
      return undefined;
    }
    let query: DecodedMessage;
    try {
      query = decodeMessage(inbound.raw);
    } catch (error) {
      metrics.malformed.inc({ proto: inbound.proto });
      log.debug('malformed dns packet', { src: inbound.src, proto: inbound.proto, bytes: inbound.raw.length, error });
      const id = headerId(inbound.raw);
      if (id === undefined) return undefined;
      metrics.responses.inc({ proto: inbound.proto, rcode: 'FORMERR' });
      return formatErrorResponse(id);
    }
    const questions = query.questions ?? [];
    const question = questions[0];
    if (!question || questions.length !== 1 || (query.opcode && query.opcode !== 'QUERY')) {
      const rcode: Rcode = query.opcode && query.opcode !== 'QUERY' ? 'NOTIMP' : 'FORMERR';
      metrics.responses.inc({ proto: inbound.proto, rcode });
      return encodeMessage(buildResponse({ query, rcode }));
    }
    const type = typeLabel(question.type);
    metrics.requests.inc({ proto: inbound.proto, type });

    let result: Result;
    try {
      result = await this.resolve(inbound, query, question);
    } catch (error) {
      log.error('dns query failed', { name: question.name, error });
      result = { rcode: 'SERVFAIL', answers: [], response: encodeMessage(buildResponse({ query, rcode: 'SERVFAIL' })) };
    }
    const response = result.response && inbound.proto === 'udp' ? fitForUdp(result.response, query) : result.response;

    const latencyNs = Number(process.hrtime.bigint() - started);
    metrics.duration.observe({ proto: inbound.proto, type }, latencyNs / 1e9);
    if (response) metrics.responses.inc({ proto: inbound.proto, rcode: result.rcode ?? 'NOERROR' });
    else metrics.dropped.inc({ proto: inbound.proto });
    const entry: Omit<QueryEntry, 'seq'> = {
      time: new Date().toISOString(),
      role: this.options.role,
      proto: inbound.proto,
      src: inbound.src,
      dst: inbound.dst,
      nameserver: hostOf(inbound.dst),
      id: query.id ?? 0,
      qr: response ? 'R' : 'Q',
      name: displayName(question.name),
      qtype: question.type,
      rcode: response ? (result.rcode ?? 'NOERROR') : null,
      rcode_name: response ? rcodeName(result.rcode ?? 'NOERROR') : null,
      latency_ns: latencyNs,
      latency_ms: Math.round(latencyNs / 1e4) / 100,
      answers: addressesOf(result.answers),
      ...(result.fault ? { fault: result.fault } : {}),
      ...(result.forwarded_to ? { forwarded_to: result.forwarded_to } : {}),
      ...(result.forward_error ? { forward_error: result.forward_error } : {}),
    };
    this.options.queryLog.add(entry);
    log.info('dns query', entry as unknown as Record<string, unknown>);
    return response;
  }

  private async resolve(inbound: Inbound, query: DecodedMessage, question: Question): Promise<Result> {
    const { role, records, clusterDomain, faults, forwarders } = this.options;
    const fault = faultFor(faults.get<DnsFault>('dns'), question.name);
    if (fault) {
      faults.countInjected('dns');
      if (fault.action === 'drop') return { rcode: null, answers: [], fault: 'drop' };
      if (fault.delayMs) await waitAtLeast(fault.delayMs);
      if (fault.action !== 'delay') {
        const rcode = fault.action.toUpperCase() as Rcode;
        const authoritative = rcode === 'NXDOMAIN';
        return { rcode, answers: [], fault: fault.action, response: encodeMessage(buildResponse({ query, rcode, authoritative })) };
      }
    }
    const faultField = fault ? { fault: fault.action } : {};
    const local: LocalAnswer | undefined = role === 'upstream' ? upstreamAnswer(records, question, forwarders.length > 0) : clusterAnswer(records, clusterDomain, question);
    if (local) {
      const answers = role === 'cluster' ? this.rotate(local.answers) : local.answers;
      const response = buildResponse({ query, rcode: local.rcode, answers, authoritative: true, recursionAvailable: role === 'cluster' });
      return { ...local, answers, ...faultField, response: encodeMessage(response) };
    }
    return { ...(await this.forward(inbound, query)), ...faultField };
  }

  /**
   * Round-robin order of several records, as CoreDNS's loadbalance plugin does: clients that take the
   * first address spread over a Service's replicas.
   */
  private rotate(answers: Answer[]): Answer[] {
    if (answers.length < 2) return answers;
    const shift = this.nextRotation++ % answers.length;
    return [...answers.slice(shift), ...answers.slice(0, shift)];
  }

  /** Tries each forwarder in turn (round robin start) within FORWARD_TIMEOUT_MS; nothing usable → SERVFAIL. */
  private async forward(inbound: Inbound, query: DecodedMessage): Promise<Result> {
    const { forwarders, forwardTimeoutMs, metrics, log } = this.options;
    if (forwarders.length === 0) {
      return { rcode: 'REFUSED', answers: [], response: encodeMessage(buildResponse({ query, rcode: 'REFUSED', recursionAvailable: true })) };
    }
    const start = this.nextForwarder++ % forwarders.length;
    const perTryMs = Math.max(1, Math.floor(forwardTimeoutMs / forwarders.length));
    const errors: string[] = [];
    let lastTried = '';
    for (let i = 0; i < forwarders.length; i++) {
      const to = forwarders[(start + i) % forwarders.length];
      lastTried = to.label;
      metrics.forwardRequests.inc({ to: to.label });
      try {
        const { raw, message } = await forwardQuery(inbound.proto, inbound.raw, to, perTryMs, query.id ?? 0, this.options.sourceAddress);
        const rcode = rcodeOf(message);
        metrics.forwardResponses.inc({ to: to.label, rcode });
        return { rcode, answers: message.answers ?? [], response: raw, forwarded_to: to.label };
      } catch (error) {
        const reason = error instanceof ForwardError ? error.reason : 'network';
        metrics.forwardErrors.inc({ to: to.label, reason });
        errors.push(`${to.label}: ${(error as Error).message}`);
        log.warn('forward failed', { name: query.questions?.[0]?.name, to: to.label, reason, error });
      }
    }
    const response = encodeMessage(buildResponse({ query, rcode: 'SERVFAIL', recursionAvailable: true }));
    return { rcode: 'SERVFAIL', answers: [], response, forwarded_to: lastTried, forward_error: errors.join('; ') };
  }
}

/** The address part of ip:port ([ipv6]:port). */
function hostOf(endpoint: string): string {
  const bracketed = /^\[([^\]]+)\]:\d+$/.exec(endpoint);
  return bracketed ? bracketed[1] : endpoint.replace(/:\d+$/, '');
}

function addressesOf(answers: Answer[]): string[] {
  return answers.flatMap((a) => (a.type === 'A' || a.type === 'AAAA' ? [a.data] : []));
}

