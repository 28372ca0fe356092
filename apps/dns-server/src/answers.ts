/**
 * What each role answers from its own data. Both answer configured names authoritatively (AA):
 * the addresses of the asked type, or NOERROR with no answers (NODATA) when the name has none of that type.
 * upstream: every other name is NXDOMAIN, or forwarded when the server has forwarders (as the seed's dnsmasq
 * forwards what it is not authoritative for to the host's resolver). cluster: other names inside CLUSTER_DOMAIN are NXDOMAIN (or
 * NODATA for a name that has configured names below it, as <ns>.svc.cluster.local does), the rest is forwarded.
 */
import type { Answer, Question } from 'dns-packet';
import { hasNamesBelow, type RecordTable } from './records';
import { canonicalName, type Rcode } from './wire';

/** Short, so that records changed between runs are not cached for long (CoreDNS's kubernetes plugin uses 5 s too). */
export const RECORD_TTL_SECONDS = 5;

export interface LocalAnswer {
  rcode: Rcode;
  answers: Answer[];
}

export function answerFromRecords(records: RecordTable, question: Question): LocalAnswer | undefined {
  const entry = records.get(canonicalName(question.name));
  if (!entry) return undefined;
  const answers: Answer[] = [];
  const wantA = question.type === 'A' || (question.type as string) === 'ANY';
  const wantAAAA = question.type === 'AAAA' || (question.type as string) === 'ANY';
  if (wantA) for (const ip of entry.A) answers.push({ type: 'A', name: question.name, ttl: RECORD_TTL_SECONDS, class: 'IN', data: ip });
  if (wantAAAA) for (const ip of entry.AAAA) answers.push({ type: 'AAAA', name: question.name, ttl: RECORD_TTL_SECONDS, class: 'IN', data: ip });
  return { rcode: 'NOERROR', answers };
}

/**
 * The upstream role: authoritative for its names (and the names above them). Without forwarders it is
 * authoritative for every name; with them, undefined means the name must be forwarded.
 */
export function upstreamAnswer(records: RecordTable, question: Question, forwards = false): LocalAnswer | undefined {
  const own = answerFromRecords(records, question);
  if (own) return own;
  if (hasNamesBelow(records, question.name)) return { rcode: 'NOERROR', answers: [] };
  return forwards ? undefined : { rcode: 'NXDOMAIN', answers: [] };
}

export function isInZone(name: string, zone: string): boolean {
  const bare = canonicalName(name);
  const apex = canonicalName(zone);
  return bare === apex || bare.endsWith(`.${apex}`);
}

/** The cluster role's own answer, or undefined when the name must be forwarded. */
export function clusterAnswer(records: RecordTable, clusterDomain: string, question: Question): LocalAnswer | undefined {
  const own = answerFromRecords(records, question);
  if (own) return own;
  if (!isInZone(question.name, clusterDomain)) return undefined;
  return { rcode: hasNamesBelow(records, question.name) ? 'NOERROR' : 'NXDOMAIN', answers: [] };
}
