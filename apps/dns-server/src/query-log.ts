/**
 * Recent queries, newest last, in a bounded ring: what GET /queries serves. Each entry carries the fields
 * Inspektor Gadget's trace_dns shows (src, dst, name, id, qr, qtype, rcode, latency) plus the role,
 * the transport, any fault applied and the forwarder used.
 */
import { canonicalName } from './wire';

export interface QueryEntry {
  seq: number;
  time: string;
  role: string;
  proto: 'udp' | 'tcp';
  src: string;
  dst: string;
  /** The DNS server's address the query was sent to (trace_dns's `nameserver`). */
  nameserver: string;
  id: number;
  /** R when a response was sent, Q when the query got no reply (dropped). */
  qr: 'Q' | 'R';
  /** Fully qualified, with the trailing dot, as asked. */
  name: string;
  qtype: string;
  /** Response code sent; null when nothing was sent. */
  rcode: string | null;
  /** The same code as trace_dns spells it (`ServerFailure`, `NameError`, `Success`); null when nothing was sent. */
  rcode_name: string | null;
  latency_ns: number;
  latency_ms: number;
  answers: string[];
  fault?: string;
  forwarded_to?: string;
  forward_error?: string;
}

export interface QueryFilter {
  /** Exact name (case-insensitive, trailing dot optional), or a prefix ending in `*`. */
  name?: string;
  type?: string;
  /** Only entries at or after this time (ms since the epoch). */
  sinceMs?: number;
  limit?: number;
}

export class QueryLog {
  private readonly entries: QueryEntry[] = [];
  private nextSeq = 1;

  constructor(readonly capacity = 2000) {}

  add(entry: Omit<QueryEntry, 'seq'>): QueryEntry {
    const full = { seq: this.nextSeq++, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  /** Matching entries, oldest first; with a limit, the newest `limit` of them. */
  find({ name, type, sinceMs, limit }: QueryFilter = {}): QueryEntry[] {
    const matchName = nameMatcher(name);
    const wantedType = type?.toUpperCase();
    const found = this.entries.filter(
      (e) => matchName(e.name) && (!wantedType || e.qtype === wantedType) && (sinceMs === undefined || Date.parse(e.time) >= sinceMs),
    );
    return limit === undefined ? found : found.slice(Math.max(0, found.length - limit));
  }
}

function nameMatcher(pattern: string | undefined): (name: string) => boolean {
  if (!pattern) return () => true;
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1).toLowerCase();
    return (name) => name.toLowerCase().startsWith(prefix);
  }
  const wanted = canonicalName(pattern);
  return (name) => canonicalName(name) === wanted;
}
