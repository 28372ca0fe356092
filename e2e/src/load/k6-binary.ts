/** Where k6 is: the project's tool cache first (scripts/dev/install-k6.sh builds it there), then PATH. */
import { accessSync, constants, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const K6_INSTALL_HINT = 'k6 is not installed: run `bash scripts/dev/install-k6.sh` (go install of the pinned k6, about 70 s)';

type Env = Record<string, string | undefined>;

/** The folder install-k6.sh installs into: $FAULTLINE_TOOLS_BIN, else ~/.cache/faultline/bin (XDG_CACHE_HOME honoured). */
export function toolsBin(env: Env): string {
  return env.FAULTLINE_TOOLS_BIN || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'faultline', 'bin');
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The k6 binary to run, or undefined when there is none. */
export function findK6(env: Env): string | undefined {
  const onPath = (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'k6'));
  return [path.join(toolsBin(env), 'k6'), ...onPath].find(isExecutableFile);
}
