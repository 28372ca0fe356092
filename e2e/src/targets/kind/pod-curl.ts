/**
 * podRequest on a cluster: `kubectl exec <probe pod> -- curl ...`, so the name resolves with the pod's
 * resolv.conf (search list, ndots:5) through CoreDNS and every request opens a new connection.
 * The probe pod runs a curl image and sleeps; it is created on first use and deleted by stop().
 */
import type { HttpResult, RequestOptions } from '../../evidence/http';

export const PROBE_POD = 'faultline-probe';
export const DEFAULT_PROBE_IMAGE = 'curlimages/curl:8.11.1';
/** Ends the trailer curl writes after the body: status code and total time. */
const MARKER = '\n__faultline_curl__ ';

/** The probe pod, as restricted as the lab's own pods; it deletes itself after an hour at most. */
export function probePodManifest(image: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: PROBE_POD, labels: { app: PROBE_POD, 'app.kubernetes.io/part-of': 'faultline' } },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: 3600,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'curl',
          image,
          command: ['sleep', '3600'],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  });
}

/** The arguments after `kubectl exec [-i] <pod> --`: headers and body to stdout, then the trailer. */
export function curlArgs(url: string, options: RequestOptions = {}): string[] {
  const args = ['curl', '-sS', '-D', '-', '-o', '-', '-w', `${MARKER}%{http_code} %{time_total}`];
  args.push('--max-time', String(Math.max(1, Math.ceil((options.timeoutMs ?? 10_000) / 1000))));
  args.push('-X', options.method ?? 'GET');
  const headers = { ...options.headers };
  if (options.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  if (options.body !== undefined) args.push('--data-binary', '@-');
  args.push(url);
  return args;
}

export function curlBody(options: RequestOptions = {}): string | undefined {
  if (options.body === undefined) return undefined;
  return typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
}

/** curl's exit codes as the socket errors the scenarios know. */
const CURL_ERRORS: Record<number, string> = {
  6: 'ENOTFOUND',
  7: 'ECONNREFUSED',
  28: 'ETIMEDOUT',
  52: 'ECONNRESET',
  56: 'ECONNRESET',
};

/** `command terminated with exit code 7` (kubectl exec passes the remote exit code through). */
export function remoteExitCode(stderr: string): number | undefined {
  const match = /command terminated with exit code (\d+)/.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

export function parseCurlOutput(url: string, stdout: string, stderr: string, curlExit: number, durationMs: number): HttpResult {
  if (curlExit !== 0) {
    const message = /curl: \(\d+\) (.*)/.exec(stderr)?.[1] ?? stderr.trim();
    return { url, headers: {}, body: '', durationMs, errorCode: CURL_ERRORS[curlExit] ?? `CURL_${curlExit}`, errorMessage: message };
  }
  const at = stdout.lastIndexOf(MARKER);
  const response = at >= 0 ? stdout.slice(0, at) : stdout;
  let rest = response;
  let head = '';
  // Skip interim responses (100 Continue): the last header block before the body is the real one.
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    head = rest.slice(0, end);
    rest = rest.slice(end + 4);
    if (!/^HTTP\/\S+ 1\d\d/.test(head)) break;
  }
  const [statusLine, ...headerLines] = head.split('\r\n');
  const status = Number(/^HTTP\/\S+ (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let json: unknown;
  if ((headers['content-type'] ?? '').includes('json')) {
    try {
      json = JSON.parse(rest);
    } catch {
      json = undefined;
    }
  }
  return { url, status: Number.isFinite(status) ? status : undefined, headers, body: rest, json, durationMs };
}
