/** `faultline fault get|set|clear <deployment> [json]`: the fault switches of a running lab's pods. */
import { httpRequest } from '../../evidence/http';
import { FAULTS_PATH, faultRequest } from '../../targets/fault-admin';
import { checkFlags, type ParsedArgs, UsageError } from '../args';
import { requireRunningLab } from '../state';

export const FAULT_HELP = `Usage:
  faultline fault get <deployment>
  faultline fault set <deployment> '<json>'      e.g. '{"error":{"status":503,"rate":0.5}}'
  faultline fault set <deployment> <name> '<json>'   one switch, e.g. dns '{"myexternalserver.com":{"action":"drop"}}'
  faultline fault clear <deployment> [name]

Acts on every pod of the deployment in the lab \`faultline up\` runs, through /admin/faults.`;

export async function fault(args: ParsedArgs): Promise<number> {
  checkFlags(args, []);
  const [action, deployment, ...rest] = args.positionals;
  if (!action || !['get', 'set', 'clear'].includes(action)) throw new UsageError('fault needs get, set or clear');
  if (!deployment) throw new UsageError(`fault ${action} needs a deployment name`);
  const state = requireRunningLab();
  const pods = state.pods.filter((p) => p.deployment === deployment);
  if (pods.length === 0) {
    const names = [...new Set(state.pods.map((p) => p.deployment))].join(', ');
    throw new UsageError(`no deployment "${deployment}" in the running lab (have: ${names})`);
  }
  let method = 'GET';
  let suffix = '';
  let body: string | undefined;
  if (action === 'set') {
    const [first, second] = rest;
    const [name, json] = second === undefined ? [undefined, first] : [first, second];
    if (json === undefined) throw new UsageError('fault set needs the faults as JSON');
    try {
      JSON.parse(json);
    } catch {
      throw new UsageError(`not valid JSON: ${json}`);
    }
    method = 'PUT';
    suffix = name ? `/${encodeURIComponent(name)}` : '';
    body = json;
  } else if (action === 'clear') {
    method = 'DELETE';
    suffix = rest[0] ? `/${encodeURIComponent(rest[0])}` : '';
  }
  let failed = false;
  for (const pod of pods) {
    const result = await httpRequest(`http://${pod.ip}:${pod.port}${FAULTS_PATH}${suffix}`, {
      ...faultRequest(method, body, state.adminToken),
      timeoutMs: 3_000,
    });
    const ok = result.status === 200;
    failed ||= !ok;
    const shown = ok ? JSON.stringify((result.json as { faults?: unknown }).faults ?? result.json) : `${result.status ?? result.errorCode} ${result.body}`;
    process.stdout.write(`${pod.name}: ${shown}\n`);
  }
  return failed ? 1 : 0;
}
