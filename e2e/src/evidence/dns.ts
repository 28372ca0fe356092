/** DNS evidence from the lab DNS query logs: queries for a name since a moment, and how they read. */
import type { DnsQueryRecord, DnsRole, Target } from '../targets/target';

/** A queries for `host` and every search expansion of it (names starting with `host.`), since `sinceMs`. */
export async function queriesFor(target: Target, role: DnsRole, host: string, sinceMs: number, qtype = 'A'): Promise<DnsQueryRecord[]> {
  const prefix = `${host.replace(/\.$/, '').toLowerCase()}.`;
  return (await target.dnsQueries(role)).filter(
    (q) => Date.parse(q.time) >= sinceMs && q.qtype === qtype && q.name.toLowerCase().startsWith(prefix),
  );
}

/** One line per query, like trace_dns --fields src,name,qr,rcode. */
export function formatQueries(queries: readonly DnsQueryRecord[], max = 12): string {
  const lines = queries.slice(0, max).map((q) => `${q.src.padEnd(22)} ${q.qtype.padEnd(4)} ${q.name.padEnd(50)} ${q.qr} ${q.rcode ?? '(no reply)'}${q.fault ? `  fault=${q.fault}` : ''}`);
  if (queries.length > max) lines.push(`... and ${queries.length - max} more`);
  return lines.join('\n');
}
