/**
 * The DNS wire format through dns-packet: decoding queries, building responses, and the few header
 * fields dns-packet decodes but does not declare in its types (rcode, opcode).
 */
import * as packet from 'dns-packet';

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

/** RFC 1035 section 4.1.1 response codes; the low four bits of the header flags. */
export const RCODE_VALUES: Readonly<Record<Rcode, number>> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
};

/** The same codes as trace_dns spells them (miekg/dns's RcodeToString, which Inspektor Gadget's gadget prints). */
const RCODE_NAMES: Readonly<Record<string, string>> = {
  NOERROR: 'Success',
  FORMERR: 'FormatError',
  SERVFAIL: 'ServerFailure',
  NXDOMAIN: 'NameError',
  NOTIMP: 'NotImplemented',
  REFUSED: 'Refused',
};

/** trace_dns's spelling of an rcode (`SERVFAIL` → `ServerFailure`); unknown codes as they are. */
export function rcodeName(rcode: string): string {
  return RCODE_NAMES[rcode.toUpperCase()] ?? rcode;
}

export type DecodedMessage = packet.DecodedPacket & { rcode?: string; opcode?: string };

/** EDNS buffer size this server advertises (the DNS flag day 2020 value). */
export const EDNS_PAYLOAD_SIZE = 1232;
/** Largest UDP response without EDNS (RFC 1035). */
export const CLASSIC_UDP_SIZE = 512;

export function decodeMessage(buf: Buffer): DecodedMessage {
  return packet.decode(buf) as DecodedMessage;
}

/** The message id when at least a header is present (to answer FORMERR), else undefined. */
export function headerId(buf: Buffer): number | undefined {
  return buf.length >= 12 ? buf.readUInt16BE(0) : undefined;
}

/** Whether the header says this is a response (QR bit): such packets are never answered. */
export function isResponseHeader(buf: Buffer): boolean {
  return buf.length >= 3 && (buf[2] & 0x80) !== 0;
}

export function rcodeOf(message: DecodedMessage): string {
  return message.rcode ?? 'NOERROR';
}

export function ednsOf(message: packet.Packet): packet.OptAnswer | undefined {
  return message.additionals?.find((a): a is packet.OptAnswer => a.type === 'OPT');
}

export interface ResponseParts {
  query: DecodedMessage;
  rcode: Rcode;
  answers?: packet.Answer[];
  authoritative?: boolean;
  recursionAvailable?: boolean;
}

/** A response to `query`: same id and question, RD copied, an OPT record when the query had one. */
export function buildResponse({ query, rcode, answers = [], authoritative = false, recursionAvailable = false }: ResponseParts): packet.Packet {
  let flags = RCODE_VALUES[rcode];
  if (query.flag_rd) flags |= packet.RECURSION_DESIRED;
  if (authoritative) flags |= packet.AUTHORITATIVE_ANSWER;
  if (recursionAvailable) flags |= packet.RECURSION_AVAILABLE;
  const edns = ednsOf(query);
  return {
    type: 'response',
    id: query.id,
    flags,
    questions: query.questions ?? [],
    answers,
    additionals: edns
      ? [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_PAYLOAD_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
      : [],
  };
}

/** FORMERR for a packet whose header could be read but whose body could not. */
export function formatErrorResponse(id: number): Buffer {
  return packet.encode({ type: 'response', id, flags: RCODE_VALUES.FORMERR, questions: [], answers: [] });
}

export function encodeMessage(message: packet.Packet): Buffer {
  return packet.encode(message);
}

/**
 * Fits a UDP response into the client's buffer (EDNS size, else 512 bytes): when it does not fit,
 * the answers are dropped and TC is set, so the client retries over TCP (RFC 1035 4.2.1).
 */
export function fitForUdp(response: Buffer, query: DecodedMessage | undefined): Buffer {
  const limit = Math.max(CLASSIC_UDP_SIZE, query ? (ednsOf(query)?.udpPayloadSize ?? CLASSIC_UDP_SIZE) : CLASSIC_UDP_SIZE);
  if (response.length <= limit) return response;
  const full = decodeMessage(response);
  return packet.encode({
    type: 'response',
    id: full.id,
    flags: (full.flags ?? 0) | packet.TRUNCATED_RESPONSE,
    questions: full.questions ?? [],
    answers: [],
    additionals: (full.additionals ?? []).filter((a) => a.type === 'OPT'),
  });
}

/** Record types the metrics name; anything else is counted as "other" (bounded label values). */
const NAMED_TYPES = new Set(['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT', 'ANY', 'HTTPS', 'SVCB']);

export function typeLabel(qtype: string | undefined): string {
  return qtype && NAMED_TYPES.has(qtype) ? qtype : 'other';
}

/** Lower case, no trailing dot: the key names are stored and compared under. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** As trace_dns shows names: fully qualified, with the trailing dot. */
export function displayName(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}
