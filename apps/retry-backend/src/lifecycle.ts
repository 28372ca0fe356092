/**
 * How the backend dies, as the seed's backend does: a crash aborts the request (and any that arrive
 * meanwhile) and exits non-zero after a short delay; a hang holds the request (and any later ones) for
 * HANG_SECONDS and then exits non-zero. `exit` is injectable so tests see the exit code instead of dying.
 */
import type { Response } from 'express';

export type LifecycleState = 'serving' | 'crashing' | 'hanging';

export class BackendLifecycle {
  private current: LifecycleState = 'serving';
  private readonly held = new Set<Response>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly exit: (code: number) => void = (code) => process.exit(code)) {}

  get state(): LifecycleState {
    return this.current;
  }

  /** Aborts the request's connection at once; the process exits 1 after `delayMs`. */
  crash(res: Response, delayMs: number): void {
    this.abort(res);
    if (this.current !== 'serving') return;
    this.current = 'crashing';
    this.timer = setTimeout(() => this.terminate(), delayMs);
  }

  /** Holds the request without answering; the process exits 1 after `seconds`. */
  hang(res: Response, seconds: number): void {
    this.hold(res);
    if (this.current !== 'serving') return;
    this.current = 'hanging';
    this.timer = setTimeout(() => this.terminate(), seconds * 1000);
  }

  /** A request that arrives while crashing is aborted; while hanging, held. */
  refuse(res: Response): void {
    if (this.current === 'crashing') this.abort(res);
    else this.hold(res);
  }

  /** Back to serving, as a restarted container would be (tests only: a real process has exited). */
  restart(): void {
    clearTimeout(this.timer);
    this.release();
    this.current = 'serving';
  }

  private hold(res: Response): void {
    this.held.add(res);
    res.once('close', () => this.held.delete(res));
  }

  private abort(res: Response): void {
    res.socket?.destroy();
  }

  private release(): void {
    for (const res of this.held) this.abort(res);
    this.held.clear();
  }

  private terminate(): void {
    this.release();
    this.exit(1);
  }
}
