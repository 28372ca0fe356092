/** A small argv parser: positionals, `--flag`, `--name value` and `--name=value`. */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], valueFlags: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '-h') flags.help = true;
    else if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (inline !== undefined) flags[name] = inline;
      else if (valueFlags.includes(name)) {
        const value = argv[i + 1];
        if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
        flags[name] = value;
        i += 1;
      } else flags[name] = true;
    } else positionals.push(arg);
  }
  return { positionals, flags };
}

/** Rejects flags the command does not know, naming them. */
export function checkFlags(args: ParsedArgs, known: readonly string[]): void {
  const unknown = Object.keys(args.flags).filter((flag) => !known.includes(flag) && flag !== 'help');
  if (unknown.length) throw new UsageError(`unknown option${unknown.length > 1 ? 's' : ''}: ${unknown.map((f) => `--${f}`).join(', ')}`);
}

export function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const raw = args.flags[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw === true || !Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a non-negative number`);
  return value;
}
