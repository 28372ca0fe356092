/**
 * Cilium's drop events, as every agent's `cilium-dbg monitor --type drop` prints them. One watch per Cilium agent
 * (kube-system pods `k8s-app=cilium`, container cilium-agent): a `kubectl exec` child process owned by the kind
 * target, started before the CoreDNS restart and stopped by PID at stop() (or when the agent's pod goes).
 *
 * A drop line is Cilium 1.20's DropNotify.DumpInfo (pkg/monitor/datapath_drop.go):
 *   xx drop (<reason>) flow <hash> to endpoint <id>, ifindex <n>, file <bpf file>:<line>, [ ip-trace-id = <id> ], identity <src>-><dst>: <summary>
 * the trace id only when set (otherwise ", , identity"); older agents print no ifindex and file (the seed's lines).
 * The summary is GetConnectionSummary (pkg/monitor/dissect.go): `<src ip:port> -> <dst ip:port> <proto>` for
 * UDP and TCP, `<src> -> <dst>` or `<src> -> <dst> icmp <code>` otherwise, ` [tunnel ...]` after an overlay packet.
 * The lines carry no time: a drop's time is when the harness read it.
 */
import type { CommandRunner, BackgroundProcess } from './command-runner';
import { commandLine, runJson } from './command-runner';
import type { KubeList, KubePod } from './kube-objects';

export const CILIUM_AGENT_SELECTOR = 'k8s-app=cilium';
export const CILIUM_AGENT_CONTAINER = 'cilium-agent';
export const DROP_MONITOR = ['cilium-dbg', 'monitor', '--type', 'drop'] as const;

export interface CiliumDrop {
  reason: string;
  flow: string;
  /** Cilium's endpoint id of the destination (0: not a local endpoint). */
  endpointId: number;
  ifindex?: number;
  /** The BPF program's file and line that dropped it (bpf_lxc.c:1234). */
  file?: string;
  identity: { source: string; destination: string };
  /** ip:port, or an address where the packet has no ports. */
  source: string;
  destination: string;
  /** udp, tcp, icmp, ... when the summary names it. */
  protocol?: string;
  line: string;
}

const DROP = /^xx drop \((.+?)\) flow (0x[0-9a-f]+) to endpoint (\d+), (?:ifindex (\d+), file (\S+?), )?(?: \[ ip-trace-id = \d+ \])?, identity (.+?)->(.+?): (.*)$/;
const SUMMARY = /^(\S+) -> (\S+)(?: ([a-z][a-z0-9]*)\b)?/;

/** One line of `cilium-dbg monitor --type drop`; undefined for anything else (the banner, agent log lines). */
export function parseDropLine(raw: string): CiliumDrop | undefined {
  const line = raw.trim();
  const match = DROP.exec(line);
  if (!match) return undefined;
  const [, reason, flow, endpointId, ifindex, file, source, destination, summary] = match;
  const flowParts = SUMMARY.exec(summary);
  return {
    reason,
    flow,
    endpointId: Number(endpointId),
    ...(ifindex ? { ifindex: Number(ifindex) } : {}),
    ...(file ? { file } : {}),
    identity: { source, destination },
    source: flowParts?.[1] ?? summary,
    destination: flowParts?.[2] ?? '',
    ...(flowParts?.[3] ? { protocol: flowParts[3] } : {}),
    line,
  };
}

/** The port of `ip:port` or `[ipv6]:port`; undefined without one. */
export function portOf(address: string): number | undefined {
  const match = /^(?:\[[^\]]+\]|[^:]+):(\d+)$/.exec(address);
  return match ? Number(match[1]) : undefined;
}

export interface WatchedDrop extends CiliumDrop {
  /** The agent pod whose monitor printed it. */
  agent: string;
  /** When the harness read it (ms epoch). */
  at: number;
}

interface AgentWatch {
  agent: string;
  process: BackgroundProcess;
  /** It said it listens: it watched until it was stopped or its pod went. */
  listening: boolean;
  ended?: string;
  endedAt?: number;
}

export interface DropWatchOptions {
  runner: CommandRunner;
  /** kubectl arguments (context, namespace) before the verb. */
  kubectl: (args: readonly string[], namespace?: string) => string[];
  /** Where the agents run (kube-system). */
  namespace: string;
  /** How long to wait for a monitor to say it listens (default 20 s). */
  readyTimeoutMs?: number;
}

/** The monitor says "Press Ctrl-C to quit" once it is about to connect to the agent's monitor socket. */
const LISTENING = /Press Ctrl-C to quit|Listening for events/;

export class CiliumDropWatch {
  private readonly watches = new Map<string, AgentWatch>();
  private readonly seen: WatchedDrop[] = [];
  private firstStart: number | undefined;

  constructor(private readonly options: DropWatchOptions) {}

  /** `kubectl -n kube-system exec <agent> -c cilium-agent -- cilium-dbg monitor --type drop` for one agent. */
  monitorArgs(agent: string): string[] {
    return this.options.kubectl(['exec', agent, '-c', CILIUM_AGENT_CONTAINER, '--', ...DROP_MONITOR], this.options.namespace);
  }

  private async agents(): Promise<string[]> {
    const list = await runJson<KubeList<KubePod>>(this.options.runner, 'kubectl', this.options.kubectl(['get', 'pods', '-l', CILIUM_AGENT_SELECTOR, '-o', 'json'], this.options.namespace));
    return list.items
      .filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running')
      .map((p) => p.metadata.name)
      .sort();
  }

  /**
   * A monitor on every running agent that has none yet (after an agent restart, on its new pod), each waited for
   * until it listens; one that ends first is recorded with its output, not thrown: the watch is evidence only.
   */
  async start(): Promise<void> {
    const agents = await this.agents();
    this.firstStart ??= Date.now();
    await Promise.all(agents.filter((agent) => !this.live(agent)).map((agent) => this.watch(agent)));
  }

  private live(agent: string): boolean {
    const watch = this.watches.get(agent);
    return Boolean(watch && !watch.ended);
  }

  private async watch(agent: string): Promise<void> {
    const args = this.monitorArgs(agent);
    const process = this.options.runner.background('kubectl', args);
    const watch: AgentWatch = { agent, process, listening: false };
    this.watches.set(agent, watch);
    const output: string[] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.readyTimeoutMs ?? 20_000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      process.onLine((line) => {
        const drop = parseDropLine(line);
        if (drop) this.seen.push({ ...drop, agent, at: Date.now() });
        else if (output.length < 5 && line.trim()) output.push(line.trim());
        if (LISTENING.test(line)) {
          watch.listening = true;
          done();
        }
      });
      void process.exited.then((code) => {
        watch.endedAt = Date.now();
        watch.ended = `${commandLine('kubectl', args)} ended (${code ?? 'signal'})${output.length ? `: ${output.join(' ')}` : ''}`;
        done();
      });
    });
  }

  /** Drops read since `since` (ms epoch), every agent's, in the order read. */
  drops(since = 0): WatchedDrop[] {
    return this.seen.filter((drop) => drop.at >= since);
  }

  /**
   * "3 agents in 14 s": the agent pods whose monitor listened during that time (one an agent restart replaced
   * in it included), and each monitor that ended before it listened, with its output.
   */
  describe(since: number): string {
    const from = Math.max(since, this.firstStart ?? since);
    const seconds = Math.round((Date.now() - from) / 1000);
    const watches = [...this.watches.values()];
    const agents = watches.filter((w) => w.listening && (w.endedAt === undefined || w.endedAt >= from)).length;
    const failed = watches.flatMap((w) => (!w.listening && w.ended ? [w.ended] : []));
    const watched = `${agents} agent${agents === 1 ? '' : 's'} in ${seconds} s`;
    return failed.length ? `${watched}; ${failed.join('; ')}` : watched;
  }

  /** Stops every monitor by PID; safe to call more than once. */
  async stop(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => w.process.stop()));
  }
}
