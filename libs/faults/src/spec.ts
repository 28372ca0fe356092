/**
 * Fault specifications: what each fault switch takes, and validation with messages that say what is
 * wrong. The same JSON is accepted from the FAULTS variable and from PUT /admin/faults.
 *
 *   {"latency": {"ms": 300, "jitterMs": 100, "route": "/api/*", "probability": 0.5},
 *    "error":   {"status": 503, "rate": 0.2, "route": "/"},
 *    "unready": true, "unhealthy": true,
 *    "crash":   {"exitCode": 1, "afterMs": 500},
 *    "hang":    {"ms": 20000, "route": "/"}}
 */
export interface LatencyFault {
  ms: number;
  jitterMs?: number;
  route?: string;
  probability?: number;
}
export interface ErrorFault {
  status: number;
  rate?: number;
  route?: string;
  message?: string;
}
export interface CrashFault {
  exitCode?: number;
  afterMs?: number;
}
export interface HangFault {
  ms: number;
  route?: string;
  probability?: number;
}
export interface BuiltInFaults {
  latency?: LatencyFault;
  error?: ErrorFault;
  unready?: boolean;
  unhealthy?: boolean;
  crash?: CrashFault;
  hang?: HangFault;
}
/** Built-in faults plus the service-specific ones a service registers. */
export type FaultSpec = BuiltInFaults & Record<string, unknown>;

/** Checks one service-specific fault value: returns the problems found (empty when valid). */
export type FaultValidator = (value: unknown, name: string) => string[];

export const BUILT_IN_FAULTS = ['latency', 'error', 'unready', 'unhealthy', 'crash', 'hang'] as const;

type Field = { type: 'number'; min?: number; max?: number; integer?: boolean; required?: boolean } | { type: 'string' };

function checkObject(name: string, value: unknown, fields: Record<string, Field>): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${name} must be an object`];
  const problems: string[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(key in fields)) problems.push(`${name}.${key} is not a field of ${name} (fields: ${Object.keys(fields).join(', ')})`);
  }
  for (const [key, field] of Object.entries(fields)) {
    const fieldValue = record[key];
    if (fieldValue === undefined) {
      if (field.type === 'number' && field.required) problems.push(`${name}.${key} is required`);
      continue;
    }
    if (field.type === 'string') {
      if (typeof fieldValue !== 'string' || fieldValue === '') problems.push(`${name}.${key} must be a non-empty string`);
      continue;
    }
    const ok =
      typeof fieldValue === 'number' &&
      Number.isFinite(fieldValue) &&
      (!field.integer || Number.isInteger(fieldValue)) &&
      (field.min === undefined || fieldValue >= field.min) &&
      (field.max === undefined || fieldValue <= field.max);
    if (!ok) {
      const range = `${field.min ?? '-∞'}..${field.max ?? '∞'}`;
      problems.push(`${name}.${key} must be ${field.integer ? 'an integer' : 'a number'} in ${range}`);
    }
  }
  const route = record.route;
  if (typeof route === 'string' && !route.startsWith('/')) problems.push(`${name}.route must start with /`);
  return problems;
}

const ONE_HOUR_MS = 3_600_000;

const BUILT_IN_VALIDATORS: Record<(typeof BUILT_IN_FAULTS)[number], FaultValidator> = {
  latency: (v, n) =>
    checkObject(n, v, {
      ms: { type: 'number', min: 0, max: ONE_HOUR_MS, required: true },
      jitterMs: { type: 'number', min: 0, max: ONE_HOUR_MS },
      route: { type: 'string' },
      probability: { type: 'number', min: 0, max: 1 },
    }),
  error: (v, n) =>
    checkObject(n, v, {
      status: { type: 'number', min: 400, max: 599, integer: true, required: true },
      rate: { type: 'number', min: 0, max: 1 },
      route: { type: 'string' },
      message: { type: 'string' },
    }),
  unready: (v, n) => (typeof v === 'boolean' ? [] : [`${n} must be true or false`]),
  unhealthy: (v, n) => (typeof v === 'boolean' ? [] : [`${n} must be true or false`]),
  crash: (v, n) =>
    checkObject(n, v, {
      exitCode: { type: 'number', min: 1, max: 255, integer: true },
      afterMs: { type: 'number', min: 0, max: ONE_HOUR_MS },
    }),
  hang: (v, n) =>
    checkObject(n, v, {
      ms: { type: 'number', min: 0, max: ONE_HOUR_MS, required: true },
      route: { type: 'string' },
      probability: { type: 'number', min: 0, max: 1 },
    }),
};

export type ParseResult = { ok: true; spec: FaultSpec } | { ok: false; problems: string[] };

/** Validates a whole fault specification against the built-in faults and the service's own. */
export function parseFaultSpec(value: unknown, custom: Record<string, FaultValidator> = {}): ParseResult {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problems: ['faults must be a JSON object keyed by fault name'] };
  }
  const validators: Record<string, FaultValidator> = { ...BUILT_IN_VALIDATORS, ...custom };
  const problems: string[] = [];
  for (const [name, faultValue] of Object.entries(value)) {
    const validator = validators[name];
    if (!validator) {
      problems.push(`unknown fault "${name}" (known: ${Object.keys(validators).join(', ')})`);
      continue;
    }
    if (faultValue === null) continue; // null clears the fault
    problems.push(...validator(faultValue, name));
  }
  if (problems.length) return { ok: false, problems };
  const spec = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== false));
  return { ok: true, spec };
}

/** Parses the FAULTS variable ('' or unset means none). */
export function parseFaultsVariable(text: string | undefined, custom: Record<string, FaultValidator> = {}): ParseResult {
  if (!text || !text.trim()) return { ok: true, spec: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`FAULTS is not valid JSON: ${(error as Error).message}`] };
  }
  return parseFaultSpec(value, custom);
}

/** Route patterns: exact paths, or a prefix ending in `*` ("/api/*" matches "/api/orders"). */
export function routeMatches(pattern: string | undefined, path: string): boolean {
  if (!pattern) return true;
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return path === pattern;
}
