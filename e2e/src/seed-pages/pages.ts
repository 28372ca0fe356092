/**
 * The seed pages (docs/seeds/*.md): each maps the commands of a seed document to faultline's, in a table
 * (seed | local | kind), and lists the local ones as bash blocks, each after a comment saying what its
 * output must hold: `<!-- check: /regex/ -->` (runs on its own) or `<!-- check lab: /regex/ -->` (runs
 * while `npx faultline up` runs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface CheckedCommand {
  page: string;
  /** Needs the lab of `npx faultline up`. */
  lab: boolean;
  expect: RegExp;
  script: string;
}

export interface SeedPage {
  file: string;
  checks: CheckedCommand[];
  /** The commands of the table's local column (backticked), `\|` unescaped. */
  localCommands: string[];
}

const CHECK = /<!--\s*check( lab)?:\s*\/(.+)\/([a-z]*)\s*-->\s*\n```bash\n([\s\S]*?)\n```/g;
/** What counts as a command in the local column (other backticked text is a name or a value). */
const COMMAND = /^(npx |dig |curl |nslookup |scripts\/|node |bash )/;

function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => /^\|\s*\d+\s*\|/.test(line))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.replaceAll('\\|', '|').trim()),
    );
}

export function parseSeedPage(file: string, text: string): SeedPage {
  const page = path.basename(file);
  const checks = [...text.matchAll(CHECK)].map((m) => ({ page, lab: m[1] !== undefined, expect: new RegExp(m[2], m[3]), script: m[4] }));
  const localCommands = tableRows(text).flatMap((cells) => [...(cells[2] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((c) => COMMAND.test(c)));
  return { file, checks, localCommands };
}

export function seedPages(dir: string): SeedPage[] {
  return readdirSync(dir)
    .filter((name) => /^\d{3}-.+\.md$/.test(name))
    .sort()
    .map((name) => parseSeedPage(path.join(dir, name), readFileSync(path.join(dir, name), 'utf8')));
}

/** Commands the harness runs itself around the checks: starting, stopping and building the lab. */
export const LIFECYCLE_COMMANDS: readonly string[] = ['npx faultline up', 'npx faultline down', 'node e2e/bin/build-lab.mjs'];

/** Local commands of the table that no check runs (and that are not the lab's own start, stop and build). */
export function uncheckedCommands(page: SeedPage): string[] {
  const scripts = page.checks.map((c) => c.script);
  return page.localCommands.filter((command) => !LIFECYCLE_COMMANDS.includes(command) && !scripts.some((s) => s.includes(command)));
}

/** Rewrites the `faultline up` addresses of block 0 (127.0.x.y) to the block the lab got. */
export function inBlock(script: string, block: number): string {
  return block === 0 ? script : script.replace(/\b127\.0\.([012])\.(\d+)\b/g, `127.${block}.$1.$2`);
}

/** The same for an expectation written as a regex (`127\.0\.1\.\d+`). */
export function expectInBlock(expect: RegExp, block: number): RegExp {
  return block === 0 ? expect : new RegExp(expect.source.replace(/127\\\.0\\\.([012])/g, `127\\.${block}\\.$1`), expect.flags);
}
