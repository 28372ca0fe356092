/**
 * `kubectl logs --prefix --timestamps` output as the harness's LogLine, and CoreDNS `log` plugin lines
 * as DnsQueryRecord (the cluster DNS evidence on a cluster).
 */
import type { DnsQueryRecord, LogLine } from '../target';

// [pod/order-service-6d9f8b7c5-x2x4q/order-service] 2025-03-01T10:00:00.123456789Z {"level":"info",...}
const PREFIXED = /^\[pod\/([^/\]]+)\/[^\]]+\] (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ?(.*)$/;

/** RFC 3339 with nanoseconds → epoch ms (Date.parse takes at most milliseconds reliably). */
export function timestampMs(rfc3339: string): number {
  return Date.parse(rfc3339.replace(/(\.\d{3})\d+Z$/, '$1Z'));
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Lines kubectl could not attribute (its own warnings) are dropped. kubectl merges stdout and stderr. */
export function parseKubectlLogs(text: string, deployment: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of text.split('\n')) {
    const match = PREFIXED.exec(raw.trimEnd());
    if (!match) continue;
    const [, pod, time, body] = match;
    lines.push({ deployment, pod, stream: 'stdout', at: timestampMs(time), text: body, json: parseJson(body) });
  }
  return lines.sort((a, b) => a.at - b.at);
}

// CoreDNS log plugin, default format:
// [INFO] 10.244.1.5:53082 - 41213 "A IN myexternalserver.com. udp 49 false 512" NXDOMAIN qr,rd 49 0.000123456s
// When no plugin wrote an answer (the forward timed out) it logs no rcode ("- - 0"); the errors plugin then
// logs the rcode the server answered with:
// [ERROR] plugin/errors: 2 myexternalserver.com. A: read udp 10.244.2.2:40945->10.96.0.53:53: i/o timeout
const COREDNS_QUERY = /\[INFO\] (\S+) - (\d+) "(\S+) (\S+) (\S+) (\S+) (\d+) (\S+) (\d+)" (\S+) (\S*) (\d+) ([\d.]+)s/;
const COREDNS_ERROR = /\[ERROR\] plugin\/errors: (\d+) (\S+) (\S+): (.*)$/;
/** DNS rcodes by number (RFC 1035, 2136). */
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

/**
 * Queries the CoreDNS `log` plugin wrote, from `kubectl -n kube-system logs -l k8s-app=kube-dns --prefix
 * --timestamps`. The plugin logs a query once answered, so every record is a response (qr R) with its rcode;
 * a query logged without one takes the rcode of the errors plugin's line for it (the SERVFAIL of a forward
 * that timed out), with that line's error.
 */
export function parseCorednsLog(text: string): DnsQueryRecord[] {
  const records: DnsQueryRecord[] = [];
  const errors: { pod: string; at: number; rcode: string; name: string; qtype: string; error: string }[] = [];
  for (const raw of text.split('\n')) {
    const line = PREFIXED.exec(raw.trimEnd());
    if (!line) continue;
    const [, pod, time, body] = line;
    const failure = COREDNS_ERROR.exec(body);
    if (failure) {
      const [, code, name, qtype, error] = failure;
      errors.push({ pod, at: timestampMs(time), rcode: RCODES[Number(code)] ?? code, name, qtype, error });
      continue;
    }
    const query = COREDNS_QUERY.exec(body);
    if (!query) continue;
    const [, src, id, qtype, , name, proto, , , , rcode, flags, , duration] = query;
    records.push({
      time: new Date(timestampMs(time)).toISOString(),
      name,
      qtype,
      qr: 'R',
      rcode,
      src,
      id: Number(id),
      proto,
      flags,
      durationMs: Math.round(Number(duration) * 1000 * 1000) / 1000,
      server: pod,
    });
  }
  for (const record of records.filter((r) => r.rcode === '-')) {
    const at = Date.parse(record.time);
    const match = errors.find((e) => e.pod === record.server && e.name === record.name && e.qtype === record.qtype && Math.abs(e.at - at) < 1000);
    if (!match) continue;
    errors.splice(errors.indexOf(match), 1);
    record.rcode = match.rcode;
    record.error = match.error;
  }
  return records.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

/** The CoreDNS pods' selector (kubeadm's label on its Deployment). */
export const COREDNS_SELECTOR = 'k8s-app=kube-dns';

/**
 * `kubectl logs` of the pods `selector` picks since `sinceMs`, every line with its pod and time (parsed by
 * parseKubectlLogs / parseCorednsLog); the exact cut below the second is left to the caller.
 */
export function logsArgs(selector: string, sinceMs: number, options: { container?: string; maxRequests?: number } = {}): string[] {
  return [
    'logs',
    '-l',
    selector,
    ...(options.container ? ['-c', options.container] : []),
    '--prefix',
    '--timestamps',
    '--tail=-1',
    ...(options.maxRequests ? [`--max-log-requests=${options.maxRequests}`] : []),
    `--since-time=${kubectlSinceTime(sinceMs)}`,
  ];
}

/** kubectl's --since-time takes whole seconds: the second `ms` falls in (callers cut the rest themselves). */
export function kubectlSinceTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
