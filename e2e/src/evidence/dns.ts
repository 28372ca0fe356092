/**
 * DNS evidence: the lab DNS servers' query logs (what the harness always has), and Inspektor Gadget's
 * trace_dns where `ig` runs (see ../gadget/ig.ts). The query logs are labelled as what they are; only
 * events that ig printed are labelled `[ig trace_dns]`.
 */
import { igDnsAvailability, IgDnsTrace } from '../gadget/ig';
import { formatTraceDns, matchesSeedFilter } from '../gadget/trace-dns';
import { DNS_PORT } from '../targets/local/net';
import type { DnsQueryRecord, DnsRole, Target } from '../targets/target';

/** A queries for `host` and every search expansion of it (names starting with `host.`), since `sinceMs`. */
export async function queriesFor(target: Target, role: DnsRole, host: string, sinceMs: number, qtype = 'A'): Promise<DnsQueryRecord[]> {
  const prefix = `${host.replace(/\.$/, '').toLowerCase()}.`;
  return (await target.dnsQueries(role)).filter(
    (q) => Date.parse(q.time) >= sinceMs && q.qtype === qtype && q.name.toLowerCase().startsWith(prefix),
  );
}

/** Fields the dns-server's query log has beyond the Target's record (absent from older servers' logs). */
type LoggedQuery = DnsQueryRecord & { nameserver?: string; rcode_name?: string | null };

/**
 * A header and one line per query in trace_dns's order (src, nameserver, name, qr, qtype, rcode in
 * trace_dns's spelling); `(no reply)` where the server sent none.
 */
export function formatQueries(queries: readonly DnsQueryRecord[], max = 12): string {
  const row = (src: string, nameserver: string, name: string, qr: string, qtype: string, rest: string) =>
    `${src.padEnd(22)} ${nameserver.padEnd(15)} ${name.padEnd(50)} ${qr.padEnd(2)} ${qtype.padEnd(5)} ${rest}`;
  const lines = [row('SRC', 'NAMESERVER', 'NAME', 'QR', 'QTYPE', 'RCODE')];
  for (const query of queries.slice(0, max)) {
    const q = query as LoggedQuery;
    const rcode = q.rcode === null ? '(no reply)' : (q.rcode_name ?? q.rcode);
    lines.push(row(q.src, q.nameserver ?? '', q.name, q.qr, q.qtype, `${rcode}${q.fault ? `  fault=${q.fault}` : ''}`));
  }
  if (queries.length > max) lines.push(`... and ${queries.length - max} more`);
  return lines.join('\n');
}

/** The seed's trace_dns filter for the A queries of a name and its search expansions. */
export function seedDnsFilter(host: string): string {
  return `qr==Q,qtype==A,name~^${host.replace(/\.$/, '')}.*`;
}

/** A running `ig trace dns`, or why there is none (one line). */
export type DnsTraceSession = { trace: IgDnsTrace } | { reason: string };

/**
 * Starts `ig trace dns` on the host network namespace, on the lab DNS's port, when ig runs here. On the
 * kind target the pods' packets are in the kind nodes' network namespaces, which `ig --host` on the
 * host does not see: there the reason says so.
 */
export async function startDnsTrace(target: Target): Promise<DnsTraceSession> {
  if (target.name !== 'local') {
    return { reason: "on the kind target the pods' DNS packets are in the kind nodes' network namespaces, out of reach of ig on the host" };
  }
  const availability = await igDnsAvailability();
  if (!availability.ok) return { reason: availability.reason };
  const trace = new IgDnsTrace({ bin: availability.bin, ports: [DNS_PORT] });
  try {
    await trace.ready();
  } catch (error) {
    await trace.stop();
    return { reason: `ig trace dns did not start: ${(error as Error).message}` };
  }
  return { trace };
}

/**
 * Stops the trace and records its events, once per filter (the seed's `--filter` rules, applied to ig's
 * events), labelled `[ig trace_dns]`; without a trace, one line saying why, labelled `[ig trace_dns not run]`.
 */
export async function recordDnsTrace(session: DnsTraceSession | undefined, filters: readonly string[], evidence: (source: string, text: string) => void): Promise<void> {
  if (!session) return;
  if ('reason' in session) {
    evidence('ig trace_dns not run', session.reason);
    return;
  }
  const all = await session.trace.stop();
  for (const filter of filters) {
    const events = all.filter((e) => matchesSeedFilter(e, filter));
    evidence(`[ig trace_dns] ${session.trace.commandLine} --filter '${filter}'`, `${events.length} events:\n${formatTraceDns(events)}`);
  }
}
