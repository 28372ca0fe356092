/**
 * An ingress controller with ingress-nginx's canary rules, as a scenario sees it: a main Ingress routing a
 * host to a primary Service, and a canary Ingress (`nginx.ingress.kubernetes.io/canary: "true"`) for the
 * same host routing to a canary Service by header, cookie or weight. A scenario applies the pair, reads
 * the canary annotations and edits them at run time, as `kubectl annotate` on the canary Ingress would.
 */
import type { IngressSources } from './evidence-sources';

/** The canary Ingress's annotations (`nginx.ingress.kubernetes.io/canary-*`). */
export interface CanaryAnnotations {
  /** `canary-weight`: 0..100, the share of requests (not decided by header or cookie) sent to the canary. */
  weight: number;
  /** `canary-by-header`: a request header that decides: `always` → canary, `never` → primary. */
  header?: string;
  /** `canary-by-header-value`: with it, only this exact header value decides (→ canary); others fall through. */
  headerValue?: string;
  /** `canary-by-cookie`: a cookie that decides: `always` → canary, `never` → primary. */
  cookie?: string;
}

/** A main Ingress and its canary Ingress for one host. */
export interface CanaryIngressSpec {
  /** The main Ingress's name (the canary Ingress is `<name>-canary`). */
  name: string;
  /** `spec.rules[].host`: requests are matched by their Host header. */
  host: string;
  /** The main Ingress's backend: every request the canary rules do not pick. */
  service: string;
  /** The canary Ingress's backend. */
  canaryService: string;
  canary: CanaryAnnotations;
}

/** An annotation edit: a key set to undefined removes that annotation (weight is always present). */
export type CanaryAnnotationChanges = { weight?: number } & { [K in Exclude<keyof CanaryAnnotations, 'weight'>]?: string | undefined };

export interface IngressControl {
  /** Where get() and the requests through url() come from (labels for evidence). */
  readonly sources: IngressSources;
  /** Creates or replaces the Ingress pair for `spec.host` (kubectl apply). */
  apply(spec: CanaryIngressSpec): Promise<void>;
  /** The Ingress pair for a host, as applied and edited so far. */
  get(host: string): Promise<CanaryIngressSpec | undefined>;
  /** Edits the canary Ingress's annotations (kubectl annotate --overwrite); returns the result. */
  setCanary(host: string, changes: CanaryAnnotationChanges): Promise<CanaryIngressSpec>;
  /**
   * Base URL of the ingress controller as the harness reaches it (no path). Requests choose the Ingress
   * with their Host header; every answer carries `x-canary: true|false` on the local target.
   */
  url(): string;
}

export const CANARY_HEADER = 'x-canary';
