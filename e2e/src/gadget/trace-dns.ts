/**
 * Inspektor Gadget's trace_dns events in the seed's fields. The seed runs the image-based gadget
 * (`kubectl gadget run trace_dns:main --fields src,dst,nameserver,name,id,qr,qtype,rcode,latency_ns
 * --filter 'qr==Q,qtype==A,name~^myexternalserver.com.*'`); the pinned `ig` (v0.30.0, whose gadgets are
 * compiled in) prints `ig trace dns -o json` lines with other field names (its pkg/gadgets/trace/dns/types):
 * srcIP/srcPort, dstIP/dstPort, nameserver, name, id, qr, qtype, rcode (gopacket's wording), latency (ns).
 * This module maps one to the other, and the seed's filter to ig's `-F column:value` rules.
 */

/** One trace_dns event, in the seed's fields. */
export interface TraceDnsEvent {
  src: string;
  dst: string;
  nameserver: string;
  name: string;
  id: string;
  qr: 'Q' | 'R';
  qtype: string;
  /** The seed's spelling: Success, FormatError, ServerFailure, NameError, NotImplemented, Refused ('' on a query). */
  rcode: string;
  latency_ns: number;
  comm?: string;
  pid?: number;
}

export const SEED_FIELDS = ['src', 'dst', 'nameserver', 'name', 'id', 'qr', 'qtype', 'rcode', 'latency_ns'] as const;

/** gopacket's DNSResponseCode strings (which ig v0.30 prints; "Server Failure " has a trailing space) → the seed's. */
const RCODES: Readonly<Record<string, string>> = {
  'No Error': 'Success',
  'Format Error': 'FormatError',
  'Server Failure': 'ServerFailure',
  'Non-Existent Domain': 'NameError',
  'Not Implemented': 'NotImplemented',
  'Query Refused': 'Refused',
};

export function seedRcode(igRcode: string | undefined): string {
  if (!igRcode) return '';
  const trimmed = igRcode.trim();
  return RCODES[trimmed] ?? trimmed;
}

function endpoint(ip: unknown, port: unknown): string {
  if (typeof ip !== 'string' || !ip) return '';
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return typeof port === 'number' && port > 0 ? `${host}:${port}` : host;
}

/** One line of `ig trace dns -o json`, or undefined for a line that is not a DNS event (warnings, blank lines). */
export function parseIgDnsLine(line: string): TraceDnsEvent | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (raw.qr !== 'Q' && raw.qr !== 'R') return undefined;
  return {
    src: endpoint(raw.srcIP, raw.srcPort),
    dst: endpoint(raw.dstIP, raw.dstPort),
    nameserver: typeof raw.nameserver === 'string' ? raw.nameserver : '',
    name: typeof raw.name === 'string' ? raw.name : '',
    id: typeof raw.id === 'string' ? raw.id : '',
    qr: raw.qr,
    qtype: typeof raw.qtype === 'string' ? raw.qtype : '',
    rcode: seedRcode(typeof raw.rcode === 'string' ? raw.rcode : undefined),
    latency_ns: typeof raw.latency === 'number' ? raw.latency : 0,
    ...(typeof raw.comm === 'string' ? { comm: raw.comm } : {}),
    ...(typeof raw.pid === 'number' ? { pid: raw.pid } : {}),
  };
}

/** The seed's field names → ig v0.30's column names (for `-F`). */
const COLUMNS: Readonly<Record<string, string>> = {
  src: 'srcIP',
  dst: 'dstIP',
  name: 'name',
  qr: 'qr',
  qtype: 'qtype',
  rcode: 'rcode',
  nameserver: 'nameserver',
  'nameserver.addr': 'nameserver',
  id: 'id',
};

/** The seed's `nameserver.addr` is the address alone, which is what `nameserver` holds here. */
function eventField(field: string): keyof TraceDnsEvent {
  return (field === 'nameserver.addr' ? 'nameserver' : field) as keyof TraceDnsEvent;
}

const RULE = /^([a-z_.]+)(==|!=|~)(.*)$/;

/**
 * The seed's filter (`qr==Q,qtype==A,name~^myexternalserver.com.*`) as ig v0.30's rules
 * (`-F qr:Q -F qtype:A -F name:~^myexternalserver.com.*`). Throws on a rule it cannot translate.
 */
export function igFilterArgs(seedFilter: string): string[] {
  return seedFilter
    .split(',')
    .map((rule) => rule.trim())
    .filter(Boolean)
    .flatMap((rule) => {
      const match = RULE.exec(rule);
      const column = match && COLUMNS[match[1]];
      if (!match || !column) throw new Error(`trace_dns filter rule "${rule}": expected field==value, field!=value or field~regex over ${Object.keys(COLUMNS).join(', ')}`);
      const [, , op, value] = match;
      return ['-F', `${column}:${op === '==' ? '' : op === '!=' ? '!' : '~'}${value}`];
    });
}

/** Whether an event passes the seed's filter (the same rules, applied to the mapped fields). */
export function matchesSeedFilter(event: TraceDnsEvent, seedFilter: string): boolean {
  return seedFilter
    .split(',')
    .map((rule) => rule.trim())
    .filter(Boolean)
    .every((rule) => {
      const match = RULE.exec(rule);
      if (!match) return false;
      const [, field, op, value] = match;
      const actual = String(event[eventField(field)] ?? '');
      if (op === '==') return actual === value;
      if (op === '!=') return actual !== value;
      return new RegExp(value).test(actual);
    });
}

/** Events as the seed's screen shows them: a header of its fields, one row per event. */
export function formatTraceDns(events: readonly TraceDnsEvent[], max = 12): string {
  const rows = events.slice(0, max).map((e) => [e.src, e.dst, e.nameserver, e.name, e.id, e.qr, e.qtype, e.rcode, String(e.latency_ns)]);
  const table = [SEED_FIELDS.map((f) => f.toUpperCase()), ...rows];
  const widths = SEED_FIELDS.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join(' ').trimEnd());
  if (events.length > max) lines.push(`... and ${events.length - max} more`);
  return lines.join('\n');
}
