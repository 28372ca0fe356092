/**
 * A CommandRunner for tests of the kind target: no Kubernetes API or container engine exists where the
 * tests run, so kubectl and helm are played by this fake. It records every command (tool, arguments,
 * stdin) and answers from a handler; `kubectl port-forward` answers with a local port of the test's
 * choosing (e.g. a real HTTP server playing a pod); any other background command (`kubectl exec ... cilium-dbg
 * monitor`) is a stream the test writes lines to and ends (`streams`, and `onStream` as each starts).
 */
import { EventEmitter } from 'node:events';
import { type BackgroundProcess, CommandError, type CommandResult, type CommandRunner, commandLine, type RunOptions, type Tool } from './command-runner';

export interface RecordedCommand {
  tool: Tool;
  args: string[];
  input?: string;
  background: boolean;
}

/** A reply: stdout text, an object printed as JSON, or a whole result (a failure). */
export type Reply = string | CommandResult | object;

export type Handler = (command: RecordedCommand) => Reply | undefined;

/** A background command other than a port-forward, played by the test. */
export interface FakeStream {
  readonly args: string[];
  stopped: boolean;
  /** A line on its stdout or stderr (kept until a listener is attached). */
  write(line: string): void;
  exit(code: number | null): void;
}

function isResult(reply: Reply): reply is CommandResult {
  return typeof reply === 'object' && reply !== null && 'code' in reply && 'stdout' in reply && 'stderr' in reply;
}

export class FakeCommandRunner implements CommandRunner {
  readonly calls: RecordedCommand[] = [];
  readonly forwards: { resource: string; stopped: boolean }[] = [];
  readonly streams: FakeStream[] = [];

  constructor(
    private readonly handler: Handler,
    /** Local port a `kubectl port-forward <resource>` reports. */
    private readonly forwardPort: (resource: string) => number = () => 40_000,
    /** Called as each stream starts (to write its first lines). */
    private readonly onStream: (stream: FakeStream) => void = () => undefined,
  ) {}

  async run(tool: Tool, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const command = { tool, args: [...args], input: options.input, background: false };
    this.calls.push(command);
    const reply = this.handler(command);
    if (reply === undefined) throw new Error(`fake runner: no reply for ${commandLine(tool, args)}`);
    const result = isResult(reply) ? reply : { code: 0, stdout: typeof reply === 'string' ? reply : JSON.stringify(reply), stderr: '' };
    if (result.code !== 0 && !options.allowFailure) throw new CommandError(commandLine(tool, args), result, `exit code ${result.code}: ${result.stderr}`);
    return result;
  }

  background(tool: Tool, args: readonly string[]): BackgroundProcess {
    this.calls.push({ tool, args: [...args], background: true });
    const at = args.indexOf('port-forward');
    if (at === -1) return this.stream(args);
    const resource = args[at + 2 + (args[at + 1] === '--address' ? 1 : 0)];
    const [wanted, remote] = args[args.length - 1].split(':');
    const record = { resource, stopped: false };
    this.forwards.push(record);
    const events = new EventEmitter();
    let resolveExit: (code: number | null) => void = () => undefined;
    const exited = new Promise<number | null>((resolve) => (resolveExit = resolve));
    const port = wanted ? Number(wanted) : this.forwardPort(resource);
    return {
      pid: undefined,
      onLine(listener) {
        events.on('line', listener);
        setImmediate(() => events.emit('line', `Forwarding from 127.0.0.1:${port} -> ${remote}`));
      },
      exited,
      async stop() {
        record.stopped = true;
        resolveExit(null);
      },
    };
  }

  private stream(args: readonly string[]): BackgroundProcess {
    const pending: string[] = [];
    const listeners: ((line: string) => void)[] = [];
    let resolveExit: (code: number | null) => void = () => undefined;
    const exited = new Promise<number | null>((resolve) => (resolveExit = resolve));
    const stream: FakeStream = {
      args: [...args],
      stopped: false,
      write(line) {
        if (!listeners.length) pending.push(line);
        for (const listener of listeners) listener(line);
      },
      exit: (code) => resolveExit(code),
    };
    this.streams.push(stream);
    this.onStream(stream);
    return {
      pid: undefined,
      onLine(listener) {
        listeners.push(listener);
        for (const line of pending.splice(0)) listener(line);
      },
      exited,
      async stop() {
        stream.stopped = true;
        resolveExit(null);
      },
    };
  }

  /** The non-background commands, each as one line. */
  lines(): string[] {
    return this.calls.filter((c) => !c.background).map((c) => commandLine(c.tool, c.args));
  }
}
