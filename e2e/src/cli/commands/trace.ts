/** `faultline trace [<id>]`: a trace from the running lab as an indented tree with durations. */
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import { httpRequest } from '../../evidence/http';
import { formatTrace, traceDuration, traceListLine } from '../../evidence/trace-tree';
import { checkFlags, numberFlag, type ParsedArgs } from '../args';
import { requireRunningLab } from '../state';

export const TRACE_HELP = `Usage:
  faultline trace <trace-id>                 the trace as a tree: service: span  duration  [status, error]
  faultline trace [--service NAME] [--limit N]   the latest traces, one line each: id, duration, ok or
                                             FAILED and why, the root span, the services in call order

Reads the Zipkin API of the lab \`faultline up\` runs; prints the trace UI's link when the lab runs one.`;

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
    if (state.traceUiUrl) process.stdout.write(`open it in the trace UI: ${state.traceUiUrl}traces/${encodeURIComponent(id)}\n`);
    return 0;
  }
  const query = new URLSearchParams({ limit: String(numberFlag(args, 'limit') ?? 10) });
  const service = typeof args.flags.service === 'string' ? args.flags.service : undefined;
  if (service !== undefined) {
    const known = ((await httpRequest(`${state.zipkinUrl}/api/v2/services`)).json as string[] | undefined) ?? [];
    if (!known.includes(service)) {
      process.stderr.write(`faultline: no traces from a service "${service}"; services with traces: ${known.length ? known.join(', ') : 'none yet'}\n`);
      return 1;
    }
    query.set('serviceName', service);
  }
  const result = await httpRequest(`${state.zipkinUrl}/api/v2/traces?${query}`);
  const traces = (result.json as ZipkinSpan[][]) ?? [];
  if (traces.length === 0) process.stdout.write('no traces yet: send some requests to the lab (open the store or the demo app)\n');
  for (const spans of traces) process.stdout.write(`${traceListLine(spans)}\n`);
  if (traces.length && state.traceUiUrl) process.stdout.write(`\nthe trace UI: ${state.traceUiUrl} (\`faultline trace <id>\` prints a trace's link)\n`);
  return 0;
}
