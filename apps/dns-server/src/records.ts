/**
 * The records a dns-server answers for, from DNS_RECORDS:
 *   {"myexternalserver.com": ["10.0.0.9"], "order-service.default.svc.cluster.local": ["127.0.0.11", "127.0.0.12"]}
 * A value is one address or a list of them; IPv4 addresses become A records, IPv6 addresses AAAA records.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { canonicalName } from './wire';

export interface NameRecords {
  readonly A: readonly string[];
  readonly AAAA: readonly string[];
}

export type RecordTable = ReadonlyMap<string, NameRecords>;

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/i;

/** Whether `name` (with or without the trailing dot) is a syntactically valid domain name. */
export function isDomainName(name: string): boolean {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  return bare.length > 0 && bare.length <= 253 && bare.split('.').every((label) => LABEL.test(label));
}

export type RecordsResult = { ok: true; records: RecordTable } | { ok: false; problems: string[] };

export function parseRecords(text: string): RecordsResult {
  if (!text.trim()) return { ok: true, records: new Map() };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`DNS_RECORDS is not valid JSON: ${(error as Error).message}`] };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problems: ['DNS_RECORDS must be a JSON object: {"name": ["ip", ...]}'] };
  }
  const problems: string[] = [];
  const records = new Map<string, NameRecords>();
  for (const [name, raw] of Object.entries(value)) {
    if (!isDomainName(name)) problems.push(`DNS_RECORDS: "${name}" is not a domain name`);
    const addresses = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(addresses) || addresses.length === 0 || !addresses.every((a) => typeof a === 'string')) {
      problems.push(`DNS_RECORDS: "${name}" must map to an address or a non-empty list of addresses`);
      continue;
    }
    const bad = addresses.filter((a) => !isIPv4(a) && !isIPv6(a));
    if (bad.length) problems.push(`DNS_RECORDS: "${name}" has values that are not IP addresses: ${bad.join(', ')}`);
    const key = canonicalName(name);
    const existing = records.get(key) ?? { A: [], AAAA: [] };
    records.set(key, {
      A: [...existing.A, ...addresses.filter((a) => isIPv4(a))],
      AAAA: [...existing.AAAA, ...addresses.filter((a) => isIPv6(a))],
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, records };
}

/** Whether some configured name lies strictly below `name` (an empty non-terminal: it exists, with no records). */
export function hasNamesBelow(records: RecordTable, name: string): boolean {
  const suffix = `.${canonicalName(name)}`;
  for (const key of records.keys()) if (key.endsWith(suffix)) return true;
  return false;
}
