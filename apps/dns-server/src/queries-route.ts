/** GET /queries?name=&type=&since=&limit=: recent queries as JSON, oldest first (the newest `limit`). */
import type { Express } from 'express';
import { type FieldProblem, validationError } from '@faultline/service-kit';
import type { QueryFilter, QueryLog } from './query-log';

const MAX_LIMIT = 2000;

function one(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `since`: an ISO-8601 time or milliseconds since the epoch. */
function parseSince(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

export function parseQueryFilter(query: Record<string, unknown>): QueryFilter {
  const problems: FieldProblem[] = [];
  const filter: QueryFilter = { limit: 100 };
  for (const key of Object.keys(query)) {
    if (!['name', 'type', 'since', 'limit'].includes(key)) problems.push({ field: key, message: 'unknown parameter (name, type, since, limit)' });
    else if (typeof query[key] !== 'string') problems.push({ field: key, message: 'must be given once' });
  }
  const name = one(query.name);
  if (name !== undefined) filter.name = name;
  const type = one(query.type);
  if (type !== undefined) {
    if (!/^[A-Za-z0-9_]{1,16}$/.test(type)) problems.push({ field: 'type', message: 'must be a record type such as A or AAAA' });
    filter.type = type;
  }
  const since = one(query.since);
  if (since !== undefined) {
    const ms = parseSince(since);
    if (ms === undefined) problems.push({ field: 'since', message: 'must be an ISO-8601 time or milliseconds since the epoch' });
    else filter.sinceMs = ms;
  }
  const limit = one(query.limit);
  if (limit !== undefined) {
    const n = Number(limit);
    if (!/^\d+$/.test(limit) || n < 1 || n > MAX_LIMIT) problems.push({ field: 'limit', message: `must be an integer in 1..${MAX_LIMIT}` });
    else filter.limit = n;
  }
  if (problems.length) throw validationError(problems);
  return filter;
}

export function mountQueriesRoute(app: Express, queryLog: QueryLog): void {
  app.get('/queries', (req, res) => {
    const filter = parseQueryFilter(req.query as Record<string, unknown>);
    const queries = queryLog.find(filter);
    res.json({ count: queries.length, queries });
  });
}
