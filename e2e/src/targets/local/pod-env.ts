/** A local pod's environment: the lab's settings, then its Deployment's own. */
import type { DeploymentSpec } from '../../lab/spec';

export interface LabEnv {
  adminToken: string;
  namespace: string;
  zipkinSpansEndpoint: string;
  /** The pods' resolv.conf, when the lab runs its cluster DNS. */
  resolvConfPath?: string;
  /** The trace UI's page of one trace, `{traceId}` in place of the id, when the lab runs the UI. */
  traceUrlTemplate?: string;
}

/** Every pod but the DNS servers resolves like a pod (RESOLV_CONF); a dns-server listens on its pod address. */
export function podEnv(spec: DeploymentSpec, ip: string, lab: LabEnv): Record<string, string> {
  const resolvesLikePod = lab.resolvConfPath !== undefined && spec.app !== 'dns-server';
  return {
    ADMIN_TOKEN: lab.adminToken,
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: '2000',
    OTEL_SERVICE_NAME: spec.serviceName ?? spec.app,
    OTEL_TRACES_EXPORTER: 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: lab.zipkinSpansEndpoint,
    OTEL_PROPAGATORS: 'b3multi',
    POD_NAMESPACE: lab.namespace,
    ...(spec.app === 'dns-server' ? { DNS_HOST: ip } : {}),
    ...(resolvesLikePod && lab.resolvConfPath ? { RESOLV_CONF: lab.resolvConfPath } : {}),
    ...(spec.app === 'front-end' && lab.traceUrlTemplate ? { TRACE_URL_TEMPLATE: lab.traceUrlTemplate } : {}),
    ...spec.env,
  };
}
