/**
 * What the harness started must not outlive it: each registered kill runs synchronously when the harness
 * process exits for any reason (one 'exit' listener for all of them).
 */
const kills = new Set<() => void>();
let installed = false;

/** Runs `kill` when the process exits, until the returned function is called (after a normal stop). */
export function killOnExit(kill: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const each of kills) each();
    });
  }
  kills.add(kill);
  return () => kills.delete(kill);
}
