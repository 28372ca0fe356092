/**
 * A canary release run by Flagger itself, as a scenario sees it (seed 004's "Flagger with NGINX Ingress", here on a
 * Gateway API router): a Canary object on a target Deployment; a release is a change of that Deployment's pod
 * template, and Flagger's controller then analyses it, moves the router's weights (or header/cookie matches) and
 * rolls it back or promotes it. Only a target where Flagger runs has one (kind, after
 * scripts/cluster/install-flagger.sh); the local target plays the analysis itself (canary/analysis.ts).
 */

/** `canary`: weighted steps (the seed's flagger/ingress-app-canary); `ab`: header/cookie matches (ingress-app-ab). */
export type CanaryStrategy = 'canary' | 'ab';

/** The Canary's status as Flagger writes it. */
export interface CanaryStatus {
  /** Initializing, Initialized, Waiting, Progressing, Promoting, Finalising, Succeeded, Failed. */
  phase: string;
  canaryWeight: number;
  failedChecks: number;
  iterations: number;
}

/** The weights of the router's weighted rule, by Service. */
export interface RouteWeights {
  primary: number;
  canary: number;
}

export interface CanaryReleaseSources {
  /** install(): the chart values it set. */
  install(): string;
  /** status(). */
  status(): string;
  /** events(): the Canary's events. */
  events(): string;
  /** controllerLog(). */
  controllerLog(): string;
  /** weights(): the route Flagger writes. */
  route(): string;
  /** release(): the change of the target's template. */
  release(): string;
  /** Requests sent to url(): what routed them. */
  requests(): string;
  /** routerRequests(): the router's own request counters. */
  routerMetrics(): string;
}

export interface CanaryRelease {
  /** The Canary's (and its target Deployment's) name; Flagger calls it `<name>.<namespace>`. */
  readonly name: string;
  readonly sources: CanaryReleaseSources;
  /**
   * The Canary with the given strategy and its target at `version` (as `helm upgrade --set` of the chart's values);
   * resolves once Flagger reports it initialized or done. With the target's template unchanged it starts no analysis.
   */
  install(strategy: CanaryStrategy, version: string): Promise<void>;
  /** A new release: the target's environment changed (undefined removes a variable). */
  release(env: Record<string, string | undefined>): Promise<void>;
  status(): Promise<CanaryStatus>;
  /** The Canary's events, one line each (`Normal  Synced  … message`). */
  events(): Promise<string[]>;
  /** The controller's log messages about this Canary since `sinceMs` (epoch ms). */
  controllerLog(sinceMs: number): Promise<string[]>;
  weights(): Promise<RouteWeights>;
  /** Requests per router-side service name, as the router counts them. */
  routerRequests(): Promise<Record<string, number>>;
  /** Base URL of the router as the harness reaches it (requests pick the route by their Host header). */
  url(): string;
  /** Ends what it started (port-forwards). */
  stop(): Promise<void>;
}
