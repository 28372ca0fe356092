/** `faultline trace [<id>]`: a trace from the running lab as an indented tree with durations. */
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import { httpRequest } from '../../evidence/http';
import { formatTrace, traceDuration } from '../../evidence/trace-tree';
import { checkFlags, numberFlag, type ParsedArgs } from '../args';
import { requireRunningLab } from '../state';

export const TRACE_HELP = `Usage:
  faultline trace <trace-id>                 the trace as a tree: service: span  duration  [status, error]
  faultline trace [--service NAME] [--limit N]   the latest traces, one line each

Reads the Zipkin API of the lab \`faultline up\` runs.`;

export async function traceCommand(args: ParsedArgs): Promise<number> {
  checkFlags(args, ['service', 'limit']);
  const state = requireRunningLab();
  const [id] = args.positionals;
  if (id) {
    const result = await httpRequest(`${state.zipkinUrl}/api/v2/trace/${encodeURIComponent(id)}`);
    if (result.status === 404) {
      process.stderr.write(`faultline: no trace ${id}\n`);
      return 1;
    }
    const spans = result.json as ZipkinSpan[];
    process.stdout.write(`trace ${id}: ${spans.length} spans, ${(traceDuration(spans) / 1000).toFixed(1)} ms\n${formatTrace(spans)}\n`);
    return 0;
  }
  const query = new URLSearchParams({ limit: String(numberFlag(args, 'limit') ?? 10) });
  if (typeof args.flags.service === 'string') query.set('serviceName', args.flags.service);
  const result = await httpRequest(`${state.zipkinUrl}/api/v2/traces?${query}`);
  const traces = (result.json as ZipkinSpan[][]) ?? [];
  if (traces.length === 0) process.stdout.write('no traces yet: send some requests to the lab\n');
  for (const spans of traces) {
    const root = spans.find((s) => !s.parentId) ?? spans[0];
    const services = [...new Set(spans.map((s) => s.localEndpoint?.serviceName))].join(' → ');
    process.stdout.write(`${root.traceId}  ${(traceDuration(spans) / 1000).toFixed(1).padStart(8)} ms  ${root.name ?? '?'}  (${services})\n`);
  }
  return 0;
}
