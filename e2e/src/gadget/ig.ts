/**
 * Running Inspektor Gadget's `ig` (scripts/dev/install-ig.sh builds the pinned v0.30.0 into the tool cache)
 * for the DNS scenarios' evidence: whether it can run here (installed, root, and the kernel lets its gadget
 * attach), and a `trace dns` on the host network namespace whose events are read back in the seed's fields.
 * Where it cannot run, the reason is one line (what is missing, or the error ig printed).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readlinkSync } from 'node:fs';
import * as packet from 'dns-packet';
import { findCachedTool, pollUntil } from '@faultline/test-support';
import { parseIgDnsLine, type TraceDnsEvent } from './trace-dns';

export const IG_INSTALL_HINT = 'ig is not installed: run `bash scripts/dev/install-ig.sh` (builds the pinned ig v0.30.0 with Go)';

type Env = Record<string, string | undefined>;

/** The ig binary: the project's tool cache first, then PATH. */
export function findIg(env: Env = process.env): string | undefined {
  return findCachedTool('ig', env);
}

/**
 * ig's local manager reads PID 1's mount namespace. Where PID 1 is not readable (a sandbox whose init
 * belongs to someone else), ig runs in a PID namespace of its own (`unshare --pid --fork --mount-proc`),
 * still in the host's network namespace, so that its PID 1 is its own. unshare ignores SIGINT and SIGTERM
 * while it waits; `--kill-child` ends ig with it.
 */
export function igCommand(bin: string, args: readonly string[]): [string, string[]] {
  try {
    readlinkSync('/proc/1/ns/mnt');
    return [bin, [...args]];
  } catch {
    return ['unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', bin, ...args]];
  }
}

export type IgAvailability = { ok: true; bin: string } | { ok: false; reason: string };

/** The last `Error: ...` line ig printed, else its last line. */
export function igErrorLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.filter((l) => l.startsWith('Error:')).at(-1) ?? lines.at(-1) ?? '(no output)';
}

function runToEnd(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `Error: ${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

let cached: Promise<IgAvailability> | undefined;

/** Whether `ig trace dns` runs here; probed once per process by a one-second trace (no traffic sent). */
export function igDnsAvailability(env: Env = process.env): Promise<IgAvailability> {
  cached ??= probe(env);
  return cached;
}

async function probe(env: Env): Promise<IgAvailability> {
  const bin = findIg(env);
  if (!bin) return { ok: false, reason: IG_INSTALL_HINT };
  if (process.getuid?.() !== 0) return { ok: false, reason: `ig needs root for eBPF; the harness runs as uid ${process.getuid?.()}` };
  const [command, args] = igCommand(bin, ['--auto-mount-filesystems', 'trace', 'dns', '--host', '-o', 'json', '--timeout', '1']);
  const { code, output } = await runToEnd(command, args, 20_000);
  return code === 0 ? { ok: true, bin } : { ok: false, reason: `ig trace dns cannot run on this kernel: ${igErrorLine(output)}` };
}

/** The name the readiness probe asks for; its events are left out of the results. */
const READY_NAME = 'ig-ready.faultline.invalid';

function sendProbeQuery(port: number): Promise<void> {
  const socket = createSocket('udp4');
  const query = packet.encode({ type: 'query', id: 1, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name: READY_NAME, class: 'IN' }] });
  return new Promise<void>((resolve) => {
    socket.on('error', () => resolve());
    socket.send(query, port, '127.0.0.1', () => resolve());
  }).finally(() => socket.close());
}

export interface DnsTraceOptions {
  bin: string;
  /** UDP ports the DNS servers listen on (ig's default is 53 and 5353). */
  ports: readonly number[];
  /** ig stops by itself after this long, should the harness never stop it. */
  maxSeconds?: number;
}

/**
 * `ig trace dns --host -P <ports> -o json` running in the background. ready() sends a query of a name in
 * `.invalid` to 127.0.0.1 on the first port until ig shows it (the gadget is attached); stop() ends ig by
 * its PID and returns the events seen, in the seed's fields.
 */
export class IgDnsTrace {
  private readonly child: ChildProcess;
  private buffered = '';
  private readonly events: TraceDnsEvent[] = [];
  private output = '';
  private exited = false;

  constructor(private readonly options: DnsTraceOptions) {
    const args = ['--auto-mount-filesystems', 'trace', 'dns', '--host', '-P', options.ports.join(','), '-o', 'json', '--timeout', String(options.maxSeconds ?? 180)];
    const [command, full] = igCommand(options.bin, args);
    this.child = spawn(command, full, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => this.take(chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.on('exit', () => (this.exited = true));
    this.child.on('error', (error) => {
      this.exited = true;
      this.output += `Error: ${error.message}\n`;
    });
  }

  /** The command as a person would type it. */
  get commandLine(): string {
    return `ig trace dns --host -P ${this.options.ports.join(',')} -o json`;
  }

  private take(text: string): void {
    this.buffered += text;
    const lines = this.buffered.split('\n');
    this.buffered = lines.pop() ?? '';
    for (const line of lines) {
      const event = parseIgDnsLine(line);
      if (event) this.events.push(event);
    }
  }

  async ready(timeoutMs = 15_000): Promise<void> {
    await pollUntil(
      async () => {
        if (this.exited) throw new Error(`ig exited: ${igErrorLine(this.output)}`);
        if (this.events.some((e) => e.name === `${READY_NAME}.`)) return true;
        await sendProbeQuery(this.options.ports[0]);
        return undefined;
      },
      { timeoutMs, intervalMs: 250, what: 'ig trace dns to see its readiness query' },
    );
  }

  /** Events seen so far, without the readiness probes. */
  seen(): TraceDnsEvent[] {
    return this.events.filter((e) => e.name !== `${READY_NAME}.`);
  }

  async stop(): Promise<TraceDnsEvent[]> {
    if (!this.exited && this.child.pid !== undefined) {
      const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
      this.child.kill('SIGINT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 1_000);
      await closed;
      clearTimeout(timer);
    }
    return this.seen();
  }
}
