/** Where k6 is: the project's tool cache first (scripts/dev/install-k6.sh builds it there), then PATH. */
import { findCachedTool } from '@faultline/test-support';

export const K6_INSTALL_HINT = 'k6 is not installed: run `bash scripts/dev/install-k6.sh` (go install of the pinned k6, about 70 s)';

type Env = Record<string, string | undefined>;

/** The k6 binary to run, or undefined when there is none. */
export function findK6(env: Env): string | undefined {
  return findCachedTool('k6', env);
}
