/**
 * Test helper for the runner's own unit tests (exit codes, signals, the table); the real k6 runs in the
 * thresholds specs. A stand-in k6 executable (a bash script) that appends its arguments and K6_* environment
 * to $FAKE_K6_RECORD, writes the summary it is given to --summary-export, prints a k6-style error line and
 * exits as told. Its behaviour comes from FAKE_K6_* variables of its environment.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPT = `#!/bin/bash
set -euo pipefail
PATH=/usr/bin:/bin
{ printf '%s\\n' "$@"; env | grep '^K6_' || true; } >>"\${FAKE_K6_RECORD:-/dev/null}"
for arg in "$@"; do
  case "$arg" in --summary-export=*) summary="\${arg#--summary-export=}" ;; esac
done
if [[ -n "\${FAKE_K6_SLEEP:-}" ]]; then
  trap 'exit 105' INT
  sleep "\${FAKE_K6_SLEEP}" &
  wait
fi
if [[ -n "\${FAKE_K6_SUMMARY:-}" ]]; then printf '%s' "\${FAKE_K6_SUMMARY}" >"\${summary}"; fi
printf 'time="2026-01-01T00:00:00Z" level=error msg="%s"\\n' "\${FAKE_K6_ERROR:-nothing}"
exit "\${FAKE_K6_EXIT:-0}"
`;

export interface FakeK6 {
  dir: string;
  /** The executable, named k6, in `dir`. */
  bin: string;
  remove(): void;
}

export function makeFakeK6(): FakeK6 {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-fake-k6-'));
  const bin = path.join(dir, 'k6');
  writeFileSync(bin, SCRIPT);
  chmodSync(bin, 0o755);
  return { dir, bin, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
