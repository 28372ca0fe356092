/**
 * One policy for the system tools some tests need (a browser, promtool, dig, shellcheck, Docker, k6,
 * Java, helm, nginx): on a developer's machine a test whose tool is absent is skipped with one line naming the tool
 * and its install command; with `CI` set (CI installs them all) the test runs and fails, saying which
 * tool is missing, so that CI never passes by skipping.
 *
 *   it('...', { skip: skipWithout('dig') }, () => { const dig = requireTool('dig'); ... });
 */
import { accessSync, constants, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type SystemTool = 'chromium' | 'promtool' | 'dig' | 'shellcheck' | 'docker' | 'k6' | 'java' | 'helm' | 'nginx';

type Env = Record<string, string | undefined>;

interface ToolInfo {
  /** Where to look: absolute paths, or bare names searched on PATH. */
  readonly candidates: (env: Env) => string[];
  readonly install: string;
}

/** The folder scripts/dev/install-*.sh install into: $FAULTLINE_TOOLS_BIN, else ~/.cache/faultline/bin (XDG_CACHE_HOME honoured). */
export function toolsBin(env: Env = process.env): string {
  return env.FAULTLINE_TOOLS_BIN || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'faultline', 'bin');
}

export const SYSTEM_TOOLS: Readonly<Record<SystemTool, ToolInfo>> = {
  chromium: { candidates: () => ['/usr/bin/chromium'], install: 'apt-get install chromium' },
  promtool: { candidates: () => ['promtool'], install: 'apt-get install prometheus' },
  dig: { candidates: () => ['dig'], install: 'apt-get install dnsutils' },
  shellcheck: { candidates: () => ['shellcheck'], install: 'apt-get install shellcheck' },
  docker: { candidates: () => ['docker'], install: 'apt-get install docker.io' },
  k6: { candidates: (env) => [path.join(toolsBin(env), 'k6'), 'k6'], install: 'bash scripts/dev/install-k6.sh' },
  java: { candidates: () => ['java'], install: 'apt-get install default-jre-headless' },
  helm: { candidates: (env) => [path.join(toolsBin(env), 'helm'), 'helm'], install: 'bash scripts/dev/install-helm.sh' },
  // Debian installs it in /usr/sbin, which a user's PATH may lack.
  nginx: { candidates: () => ['nginx', '/usr/sbin/nginx'], install: 'apt-get install nginx' },
};

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A tool scripts/dev/install-*.sh builds (k6, ig, helm): the project's tool cache first, then PATH; undefined when absent. */
export function findCachedTool(name: string, env: Env = process.env): string | undefined {
  const onPath = (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name));
  return [path.join(toolsBin(env), name), ...onPath].find(isExecutableFile);
}

/** The tool's executable, or undefined when it is not installed. */
export function findTool(tool: SystemTool, env: Env = process.env): string | undefined {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const candidate of SYSTEM_TOOLS[tool].candidates(env)) {
    const files = path.isAbsolute(candidate) ? [candidate] : dirs.map((dir) => path.join(dir, candidate));
    const found = files.find(isExecutableFile);
    if (found) return found;
  }
  return undefined;
}

/** One line: the tool that is missing and the command that installs it. */
export function missingToolMessage(tool: SystemTool): string {
  return `${tool} is not installed (install: ${SYSTEM_TOOLS[tool].install})`;
}

/** True when the CI variable is set to anything but "" / "0" / "false". */
export function inCi(env: Env = process.env): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/**
 * For node:test's `skip` option: the reason to skip when one of the tools is absent, else false. Under CI
 * it is always false: the test runs, and `requireTool` fails it with the same message.
 */
export function skipWithout(tools: SystemTool | readonly SystemTool[], env: Env = process.env): string | false {
  if (inCi(env)) return false;
  const missing = (typeof tools === 'string' ? [tools] : tools).filter((tool) => !findTool(tool, env));
  return missing.length ? `skipped: ${missing.map(missingToolMessage).join('; ')}` : false;
}

/** The tool's executable; throws (failing the test) with the one-line message when it is absent. */
export function requireTool(tool: SystemTool, env: Env = process.env): string {
  const found = findTool(tool, env);
  if (!found) throw new Error(`${missingToolMessage(tool)}${inCi(env) ? ': CI must install it' : ''}`);
  return found;
}
