/**
 * Typed configuration read once from the environment. Each setting names its variable, type, default
 * and help text in one place; a bad value stops start-up with a message naming the variable.
 */
import { formatHelpTable, settingRows } from './help-table';

export type Setting =
  | { env: string; type: 'string'; default?: string; required?: boolean; help: string }
  | { env: string; type: 'int' | 'number'; default?: number; min?: number; max?: number; help: string }
  | { env: string; type: 'port'; default: number; help: string }
  | { env: string; type: 'boolean'; default: boolean; help: string }
  | { env: string; type: 'url'; default?: string; help: string }
  | { env: string; type: 'enum'; values: readonly string[]; default: string; help: string };

export type ConfigSpec = Record<string, Setting>;

type ValueOf<S extends Setting> = S extends { type: 'int' | 'number' | 'port' }
  ? S extends { default: number }
    ? number
    : number | undefined
  : S extends { type: 'boolean' }
    ? boolean
    : S extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : S extends { default: string } | { required: true }
        ? string
        : string | undefined;

export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: ValueOf<S[K]> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

function readSetting(setting: Setting, raw: string | undefined): { value?: unknown; problem?: string } {
  const name = setting.env;
  if (raw === undefined || raw === '') {
    if (setting.type === 'string' && setting.required) return { problem: `${name} is required: ${setting.help}` };
    return { value: setting.default };
  }
  switch (setting.type) {
    case 'string':
      return { value: raw };
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (TRUE.includes(lower)) return { value: true };
      if (FALSE.includes(lower)) return { value: false };
      return { problem: `${name}="${raw}" must be true or false` };
    }
    case 'port': {
      const port = Number(raw);
      if (!/^\d+$/.test(raw) || port > 65535) return { problem: `${name}="${raw}" must be a port number 0..65535` };
      return { value: port };
    }
    case 'int':
    case 'number': {
      const number = Number(raw);
      const integerOk = setting.type === 'number' || Number.isInteger(number);
      const inRange = (setting.min === undefined || number >= setting.min) && (setting.max === undefined || number <= setting.max);
      if (!raw.trim() || !Number.isFinite(number) || !integerOk || !inRange) {
        const kind = setting.type === 'int' ? 'an integer' : 'a number';
        return { problem: `${name}="${raw}" must be ${kind} in ${setting.min ?? '-∞'}..${setting.max ?? '∞'}` };
      }
      return { value: number };
    }
    case 'url':
      try {
        new URL(raw);
        return { value: raw };
      } catch {
        return { problem: `${name}="${raw}" is not a URL (e.g. http://host:port)` };
      }
    case 'enum':
      return setting.values.includes(raw)
        ? { value: raw }
        : { problem: `${name}="${raw}" must be one of: ${setting.values.join(', ')}` };
  }
}

/** Reads every setting; throws ConfigError listing every bad variable at once. */
export function readConfig<S extends ConfigSpec>(spec: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(spec)) {
    const { value, problem } = readSetting(setting, env[setting.env]);
    if (problem) problems.push(problem);
    else values[key] = value;
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(values) as ConfigOf<S>;
}

/** One line per setting: variable, type, default and help; for --help and the docs. */
export function describeConfig(spec: ConfigSpec): string {
  return formatHelpTable([{ rows: settingRows(spec) }]);
}

/** Settings every service has. */
export const BASE_CONFIG = {
  port: { env: 'PORT', type: 'port', default: 8080, help: 'TCP port to listen on' },
  host: { env: 'HOST', type: 'string', default: '0.0.0.0', help: 'address to listen on' },
  adminToken: { env: 'ADMIN_TOKEN', type: 'string', help: 'bearer token for /admin; admin routes are absent when unset' },
  faults: { env: 'FAULTS', type: 'string', default: '', help: 'fault switches at start-up, as JSON (see the faults lib)' },
  logLevel: { env: 'LOG_LEVEL', type: 'enum', values: ['debug', 'info', 'warn', 'error'], default: 'info', help: 'lowest level logged' },
  bodyLimit: { env: 'BODY_LIMIT_BYTES', type: 'int', min: 1, default: 102_400, help: 'largest request body accepted' },
  shutdownDelayMs: { env: 'SHUTDOWN_DELAY_MS', type: 'int', min: 0, default: 0, help: 'time between unready and closing the listener on SIGTERM' },
  shutdownTimeoutMs: { env: 'SHUTDOWN_TIMEOUT_MS', type: 'int', min: 0, default: 10_000, help: 'longest wait for in-flight requests on SIGTERM' },
  resolvConf: {
    env: 'RESOLV_CONF',
    type: 'string',
    help: 'resolve every host name as a pod would, through this resolv.conf-style file (the local lab sets it); unset: the system resolver',
  },
} as const satisfies ConfigSpec;
