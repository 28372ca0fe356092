/**
 * The `dns` fault: per-name switches, set through FAULTS or /admin/faults/dns.
 *   {"myexternalserver.com": {"action": "drop"}, "slow.example": {"action": "delay", "delayMs": 500}}
 * drop = no reply at all; servfail / nxdomain / refused = that rcode; delay = the normal answer after delayMs.
 * delayMs with another action delays that action's reply (not drop: a dropped query gets nothing).
 */
import type { FaultValidator } from '@faultline/faults';
import { isDomainName } from './records';
import { canonicalName } from './wire';

export const DNS_FAULT_ACTIONS = ['drop', 'servfail', 'nxdomain', 'refused', 'delay'] as const;
export type DnsFaultAction = (typeof DNS_FAULT_ACTIONS)[number];

export interface DnsNameFault {
  action: DnsFaultAction;
  delayMs?: number;
}

export type DnsFault = Record<string, DnsNameFault>;

const MAX_DELAY_MS = 60_000;

export const validateDnsFault: FaultValidator = (value, fault) => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return [`${fault} must be an object keyed by domain name, e.g. {"myexternalserver.com": {"action": "drop"}}`];
  }
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(value)) {
    const where = `${fault}["${name}"]`;
    if (!isDomainName(name)) problems.push(`${where}: "${name}" is not a domain name`);
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
      problems.push(`${where} must be an object like {"action": "drop"}`);
      continue;
    }
    const { action, delayMs, ...rest } = spec as Record<string, unknown>;
    for (const key of Object.keys(rest)) problems.push(`${where}.${key} is not a field (fields: action, delayMs)`);
    if (!DNS_FAULT_ACTIONS.includes(action as DnsFaultAction)) {
      problems.push(`${where}.action must be one of: ${DNS_FAULT_ACTIONS.join(', ')}`);
    }
    if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS)) {
      problems.push(`${where}.delayMs must be a number in 0..${MAX_DELAY_MS}`);
    }
    if (action === 'delay' && delayMs === undefined) problems.push(`${where}.delayMs is required when action is delay`);
  }
  return problems;
};

/** The switch for `qname`, if one is set (names compare case-insensitively, trailing dot or not). */
export function faultFor(fault: DnsFault | undefined, qname: string): DnsNameFault | undefined {
  if (!fault) return undefined;
  const wanted = canonicalName(qname);
  for (const [name, spec] of Object.entries(fault)) if (canonicalName(name) === wanted) return spec;
  return undefined;
}
