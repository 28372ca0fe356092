/**
 * The local lab's own broker: a private RabbitMQ node, as the chart's rabbitmq StatefulSet is on a cluster.
 * It listens on a loopback address of its own (AMQP, and /metrics from rabbitmq_prometheus), keeps its
 * data, logs and Erlang cookie in a folder of its own, and has an epmd of its own on a free port, so it
 * never meets a system broker or another lab's. Every process it starts is stopped by PID; if the harness
 * dies without stopping it (Ctrl-C, SIGKILL), the node goes too: its Erlang shell reads a pipe from the
 * harness and halts when that pipe closes, and on Linux both get the parent-death signal as well.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import amqp from 'amqplib';
import { pollUntil } from '@faultline/test-support';
import { dyingWithHarness } from './lab-process';
import { killOnExit } from './kill-on-exit';
import { canBind } from './net';
import { rssBytes } from './memory';
import { BrokerUnavailableError, ensureRabbitmqServer } from './rabbitmq-install';

export const AMQP_PORT = 5672;

/** How `rabbitmqctl` reaches a node: the CLI beside its start script, the node's name, epmd port and cookie's home. */
export interface RabbitmqctlTarget {
  rabbitmqctl: string;
  nodeName: string;
  epmdPort: number;
  home: string;
}

export const RABBITMQ_METRICS_PORT = 15692;

export interface RabbitmqNodeOptions {
  /** The loopback address it listens on (AMQP, /metrics); distribution and epmd are on 127.0.0.1, on free ports. */
  host: string;
  /** Its own folder: created (emptied when it exists), removed again on stop(). */
  dir: string;
  /** The AMQP port it asks for first (default 5672); when that is taken on `host`, a free one, said through `say`. */
  port?: number;
  /** A free AMQP port (and /metrics port) from the start, without asking for 5672 and 15692 first (labs side by side, test runs). */
  anyPort?: boolean;
  readyTimeoutMs?: number;
  /** One line per thing worth telling a person (an install, a port taken). */
  say?: (line: string) => void;
}

/** A port the kernel says is free on `host` (bound and released). */
async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 500 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** The last lines a child printed, kept for error messages. */
class OutputTail {
  private readonly chunks: string[] = [];

  attach(child: ChildProcess): void {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        this.chunks.push(chunk);
        if (this.chunks.length > 50) this.chunks.shift();
      });
    }
  }

  lines(count: number): string[] {
    // The Erlang shell prints prompts and terminal-title escapes between the log lines.
    // eslint-disable-next-line no-control-regex
    const text = this.chunks.join('').replace(/\x1b\][^\x07]*\x07/g, '').replace(/\r/g, '');
    return text.split('\n').map((l) => l.trim()).filter((l) => l && l !== '1>').slice(-count);
  }
}

function spawnChild(command: string, args: string[], env: NodeJS.ProcessEnv, stdin: 'ignore' | 'pipe'): ChildProcess {
  const [file, argv] = dyingWithHarness(command, args);
  return spawn(file, argv, { env, stdio: [stdin, 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const gone = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

export class RabbitmqNode {
  private releaseExitKill: (() => void) | undefined;
  private stopped: Promise<void> | undefined;
  /** Resolves once the node accepts an AMQP login; rejects with a BrokerUnavailableError (nothing left running). */
  ready: Promise<void>;
  /** Times the node was stopped and started again on its data (replace()). */
  restarts = 0;
  /** The current start took an AMQP login. */
  private up = false;

  private constructor(
    readonly host: string,
    readonly port: number,
    readonly metricsPort: number,
    private readonly user: string,
    private readonly password: string,
    private readonly dir: string,
    /** How rabbitmqctl reaches this node. */
    readonly ctl: RabbitmqctlTarget,
    private readonly epmd: ChildProcess,
    private server: ChildProcess,
    private readonly output: OutputTail,
    private readonly serverScript: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly readyTimeoutMs: number,
  ) {
    this.releaseExitKill = killOnExit(() => {
      for (const child of [this.server, epmd]) if (child.pid && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    this.ready = this.waitReady(serverScript, readyTimeoutMs).then(() => void (this.up = true));
    // Whoever awaits `ready` gets the rejection; nobody awaiting it yet is no unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /**
   * The broker pod deleted and replaced, as a StatefulSet does on the same volume: SIGTERM (RabbitMQ's orderly
   * shutdown: it closes its clients' connections and writes out what it holds), SIGKILL after `graceMs` as the
   * kubelet does when the grace period runs out, then started again after `downMs` with the same name, ports and
   * folder, so it recovers what it had written (durable queues, persistent messages it confirmed). Resolves once it
   * is gone; `ready` is the new start's.
   */
  async replace(downMs: number, graceMs = 10_000): Promise<void> {
    this.up = false;
    await stopChild(this.server, graceMs);
    this.restarts += 1;
    this.ready = new Promise<void>((resolve) => setTimeout(resolve, downMs)).then(() => {
      if (this.stopped) throw new BrokerUnavailableError('the broker was stopped while it was down');
      this.server = spawnChild(this.serverScript, [], this.env, 'pipe');
      this.output.attach(this.server);
      return this.waitReady(this.serverScript, this.readyTimeoutMs).then(() => void (this.up = true));
    });
    this.ready.catch(() => undefined);
  }

  /** Starts the node and resolves once it accepts an AMQP login; throws a BrokerUnavailableError (nothing left running) otherwise. */
  static async start(options: RabbitmqNodeOptions): Promise<RabbitmqNode> {
    const node = await RabbitmqNode.launch(options);
    await node.ready;
    return node;
  }

  /**
   * Starts the node's processes and resolves at once, with its URL known and `ready` pending, so that a lab
   * can start its other pods meanwhile; throws a BrokerUnavailableError when it cannot even be launched.
   */
  static async launch(options: RabbitmqNodeOptions): Promise<RabbitmqNode> {
    const say = options.say ?? (() => undefined);
    const serverScript = ensureRabbitmqServer(say);
    const { host, dir } = options;
    const wanted = options.port ?? AMQP_PORT;
    let port = options.anyPort ? await freePort(host) : wanted;
    if (!options.anyPort && !(await canBind(host, wanted))) {
      port = await freePort(host);
      say(`broker: ${host}:${wanted} is taken (another broker listening on all addresses?), using ${host}:${port}`);
    }
    // 15692 as the chart's is for `faultline up`; a node with any AMQP port (test runs, labs side by side) takes any
    // metrics port too, so that one starting beside `faultline up` cannot race it for 15692.
    const metricsPort = !options.anyPort && (await canBind(host, RABBITMQ_METRICS_PORT)) ? RABBITMQ_METRICS_PORT : await freePort(host);
    // Distribution (rabbitmqctl's way in) on localhost, where the node name @localhost points.
    const [distPort, epmdPort] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    const user = 'faultline';
    const password = randomBytes(12).toString('hex');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, 'log'), { recursive: true });
    writeFileSync(
      path.join(dir, 'rabbitmq.conf'),
      [
        `listeners.tcp.1 = ${host}:${port}`,
        `prometheus.tcp.ip = ${host}`,
        `prometheus.tcp.port = ${metricsPort}`,
        `default_user = ${user}`,
        `default_pass = ${password}`,
        'log.console = false',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'enabled_plugins'), '[rabbitmq_prometheus].\n');
    writeFileSync(path.join(dir, 'rabbitmq-env.conf'), '');
    const nodeName = `faultline-${randomBytes(4).toString('hex')}@localhost`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      LANG: process.env.LANG ?? 'C.UTF-8',
      // The Erlang cookie is written to $HOME.
      HOME: dir,
      ERL_EPMD_PORT: String(epmdPort),
      RABBITMQ_NODENAME: nodeName,
      RABBITMQ_CONF_ENV_FILE: path.join(dir, 'rabbitmq-env.conf'),
      RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
      RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(dir, 'log'),
      RABBITMQ_DIST_PORT: String(distPort),
      // exec erl in the foreground (the PID is the node's) with its shell on the harness's pipe.
      RABBITMQ_ALLOW_INPUT: 'true',
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}',
    };
    const output = new OutputTail();
    const epmd = spawnChild('epmd', ['-port', String(epmdPort), '-address', '127.0.0.1'], env, 'ignore');
    output.attach(epmd);
    const epmdFailed = new Promise<string>((resolve) => epmd.once('error', (error) => resolve(error.message)));
    const epmdUp = await Promise.race([
      pollUntil(() => answers('127.0.0.1', epmdPort), { timeoutMs: 5_000, intervalMs: 50, what: `epmd on 127.0.0.1:${epmdPort}` }).then(() => undefined),
      epmdFailed,
    ]).catch((error: Error) => error.message);
    if (epmdUp) {
      await stopChild(epmd, 2_000);
      const logs = output.lines(10);
      rmSync(dir, { recursive: true, force: true });
      throw new BrokerUnavailableError(`the lab's broker (${serverScript}) did not start: epmd: ${epmdUp}${logs.length ? `\nits last lines:\n  ${logs.join('\n  ')}` : ''}`);
    }
    const server = spawnChild(serverScript, [], env, 'pipe');
    output.attach(server);
    const ctl = { rabbitmqctl: path.join(path.dirname(serverScript), 'rabbitmqctl'), nodeName, epmdPort, home: dir };
    return new RabbitmqNode(host, port, metricsPort, user, password, dir, ctl, epmd, server, output, serverScript, env, options.readyTimeoutMs ?? 60_000);
  }

  private async waitReady(serverScript: string, readyTimeoutMs: number): Promise<void> {
    const { server } = this;
    try {
      await pollUntil(
        async () => {
          if (server.exitCode !== null || server.signalCode !== null) throw new Error(`rabbitmq-server exited (${server.exitCode ?? server.signalCode})`);
          if (!(await answers(this.host, this.port))) return false;
          return amqp.connect(this.url, { timeout: 2_000 }).then(
            (connection) => connection.close().then(() => true),
            () => false,
          );
        },
        { timeoutMs: readyTimeoutMs, intervalMs: 200, what: `an AMQP login at ${this.host}:${this.port}` },
      );
    } catch (error) {
      const logs = [...this.output.lines(10), ...logFileTail(this.dir, 10)];
      await this.stop(2_000);
      throw new BrokerUnavailableError(`the lab's broker (${serverScript}) did not start: ${(error as Error).message}${logs.length ? `\nits last lines:\n  ${logs.join('\n  ')}` : ''}`);
    }
  }

  /** amqp://user:password@host:port of this node. */
  get url(): string {
    return `amqp://${this.user}:${this.password}@${this.host}:${this.port}`;
  }

  /** rabbitmq_prometheus' endpoint, as the chart's Prometheus scrapes it. */
  get metricsUrl(): string {
    return `http://${this.host}:${this.metricsPort}/metrics`;
  }

  /** Its folder: data (mnesia), logs, config and cookie. */
  get folder(): string {
    return this.dir;
  }

  /** The Erlang VM's PID (the script execs it). */
  get pid(): number | undefined {
    return this.server.pid;
  }

  /** Every PID it runs: the node and its epmd. */
  pids(): number[] {
    return [this.server.pid, this.epmd.pid].filter((pid): pid is number => pid !== undefined);
  }

  /** Running, and its current start took an AMQP login. */
  get takingLogins(): boolean {
    return this.up && this.running;
  }

  get running(): boolean {
    return this.server.exitCode === null && this.server.signalCode === null;
  }

  rssBytes(): number {
    return this.running && this.server.pid ? rssBytes(this.server.pid) : 0;
  }

  /** The node's last log lines (its log file, else what it printed). */
  lastLines(count = 10): string[] {
    const file = logFileTail(this.dir, count);
    return file.length ? file : this.output.lines(count);
  }

  /**
   * Stops the node by its PID, then its epmd, then removes its folder. Its data goes with the folder, so
   * there is nothing to shut down cleanly: the node halts at once when its shell's pipe closes (RabbitMQ's
   * orderly SIGTERM shutdown takes seconds), with SIGTERM and then SIGKILL after `graceMs` behind it.
   */
  stop(graceMs = 5_000): Promise<void> {
    this.stopped ??= (async () => {
      this.server.stdin?.end();
      await stopChild(this.server, graceMs);
      await stopChild(this.epmd, 2_000);
      this.releaseExitKill?.();
      rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.stopped;
  }
}

function logFileTail(dir: string, count: number): string[] {
  const logDir = path.join(dir, 'log');
  if (!existsSync(logDir)) return [];
  const files = readdirSync(logDir).filter((f) => f.endsWith('.log'));
  return files.flatMap((f) => readFileSync(path.join(logDir, f), 'utf8').trim().split('\n')).filter(Boolean).slice(-count);
}
