/**
 * ingress-nginx's canary decision for one request (its balancer's route_to_alternative_balancer),
 * precedence canary-by-header → canary-by-cookie → canary-weight:
 * - header: with canary-by-header-value, an exact match → canary, any other value falls through;
 *   without it, `always` → canary, `never` → primary, any other value falls through;
 * - cookie: `always` → canary, `never` → primary, any other value falls through;
 * - weight: canary when a random integer 1..100 is ≤ the weight (0 never, 100 always).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CanaryAnnotations } from '../ingress-control';

export type CanaryReason = 'header' | 'cookie' | 'weight';

export interface CanaryDecision {
  canary: boolean;
  reason: CanaryReason;
}

export const WEIGHT_TOTAL = 100;

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The value of cookie `name` in the request's Cookie header(s), as nginx's $cookie_<name>. */
export function cookieValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers.cookie;
  if (!raw) return undefined;
  for (const pair of raw.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** `random` is uniform in [0, 1) (Math.random by default; tests pass their own). */
export function decideCanary(rules: CanaryAnnotations, headers: IncomingHttpHeaders, random: () => number = Math.random): CanaryDecision {
  if (rules.header) {
    const value = headerValue(headers, rules.header);
    if (value !== undefined) {
      if (rules.headerValue) {
        if (value === rules.headerValue) return { canary: true, reason: 'header' };
      } else if (value === 'always') {
        return { canary: true, reason: 'header' };
      } else if (value === 'never') {
        return { canary: false, reason: 'header' };
      }
    }
  }
  if (rules.cookie) {
    const value = cookieValue(headers, rules.cookie);
    if (value === 'always') return { canary: true, reason: 'cookie' };
    if (value === 'never') return { canary: false, reason: 'cookie' };
  }
  const draw = Math.floor(random() * WEIGHT_TOTAL) + 1;
  return { canary: draw <= rules.weight, reason: 'weight' };
}

/** A clear message when annotations are not what ingress-nginx accepts; undefined when they are. */
export function invalidAnnotations(rules: CanaryAnnotations): string | undefined {
  if (!Number.isInteger(rules.weight) || rules.weight < 0 || rules.weight > WEIGHT_TOTAL) {
    return `canary-weight must be an integer from 0 to ${WEIGHT_TOTAL}, got ${rules.weight}`;
  }
  if (rules.headerValue && !rules.header) return 'canary-by-header-value needs canary-by-header';
  return undefined;
}
