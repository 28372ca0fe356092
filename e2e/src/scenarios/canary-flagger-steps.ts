/**
 * canary-split with the real Flagger (seed 004, "Flagger with NGINX Ingress", on a Gateway API router): the steps
 * of a target whose canaryRelease is Flagger's (kind, after scripts/cluster/install-flagger.sh). The seed's two
 * charts in its order: flagger/ingress-app-canary (interval 10s, threshold 10, stepWeight 5 up to maxWeight 50,
 * request success rate ≥ 99 % over 1m) releases an erroring v2, which Flagger rolls back, then a good v2, which it
 * promotes, the share of v2 counted through the router at weight 10; then flagger/ingress-app-ab (12 iterations,
 * header `tester: true` or cookie `tester=always`) releases v3 to testers only. While an analysis runs, a bounded
 * load loop plays the seed's `while true; do curl …; done`, so that the canary's pods have traffic to be judged by.
 *
 * Flagger decides everything here: the harness only releases, sends requests and reads back what Flagger and the
 * router did (the Canary's status and events, Flagger's log, the HTTPRoute, Traefik's counters).
 */
import type { HttpResult } from '../evidence/http';
import { httpRequest } from '../evidence/http';
import type { CanaryRelease, CanaryStatus, RouteWeights } from '../targets/canary-release';
import { answeredBy, formatTally, tallyAnswers } from '../canary/ingress-traffic';
import { expect, type Step, type StepContext } from './model';

export interface FlaggerStepsOptions {
  host: string;
  /** The request every client sends (path and query). */
  path: string;
  /** The erroring release's FAULTS. */
  erroringFaults: string;
  header: { name: string; value: string };
  cookie: string;
}

/** Seed 004's thresholds, as the chart's flaggerCanary renders them (helm/faultline/values.yaml). */
const THRESHOLD = 10;
const MIN_SUCCESS_RATE = 99;
/** Weight at which the split is counted (the seed's "10 % to v2"). */
const SPLIT_WEIGHT = 10;
/** At most this many requests, within SPLIT_WINDOW_MS: the weight stays one 10 s interval. */
const SPLIT_SAMPLE = 400;
const SPLIT_WINDOW_MS = 7_000;
const AB_SAMPLE = 50;
const CHECK_SAMPLE = 40;
/** Deadlines of one analysis: a rollback takes threshold × interval, a promotion (50/5) × interval plus the primary's rollout. */
const ROLLBACK_TIMEOUT_MS = 6 * 60_000;
const PROMOTION_TIMEOUT_MS = 8 * 60_000;
/** The load loop's pace (about 1 request a second reaches the canary at weight 5) and its bound, whatever happens. */
const LOAD_INTERVAL_MS = 50;
const LOAD_MAX_REQUESTS = 30_000;
const REST_PHASES = new Set(['Initialized', 'Succeeded', 'Failed']);

function releaseOf(ctx: StepContext): CanaryRelease {
  const release = ctx.target.canaryRelease;
  if (!release) throw new Error(`the ${ctx.target.name} target runs no Flagger`);
  return release;
}

/** `count` requests through the router, `concurrency` at a time, each on a new connection; stops early at `untilMs`. */
async function requests(release: CanaryRelease, options: FlaggerStepsOptions, count: number, headers: Record<string, string> = {}, untilMs = Infinity): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  let started = 0;
  const worker = async () => {
    while (started < count && Date.now() < untilMs) {
      started += 1;
      results.push(await httpRequest(`${release.url()}${options.path}`, { headers: { ...headers, host: options.host }, timeoutMs: 10_000 }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, count) }, worker));
  return results;
}

/**
 * The seed's curl loop, paced and bounded: a request every LOAD_INTERVAL_MS (each of `headerSets` in turn) until
 * stop(), then what answered.
 */
function loadLoop(release: CanaryRelease, options: FlaggerStepsOptions, headerSets: Record<string, string>[]): { stop(): Promise<Record<string, number>> } {
  let running = true;
  const answers: HttpResult[] = [];
  const started = Date.now();
  const loop = (async () => {
    for (let i = 0; running && i < LOAD_MAX_REQUESTS; i += 1) {
      const headers = headerSets[i % headerSets.length];
      answers.push(await httpRequest(`${release.url()}${options.path}`, { headers: { ...headers, host: options.host }, timeoutMs: 10_000 }));
      const next = started + (i + 1) * LOAD_INTERVAL_MS - Date.now();
      if (next > 0) await new Promise((resolve) => setTimeout(resolve, next));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return tallyAnswers(answers);
    },
  };
}

interface Outcome {
  status: CanaryStatus;
  /** Canary weights Flagger reported, in order, each once. */
  weights: number[];
}

/**
 * Polls the Canary until its analysis of the release just made ends: a rest phase seen only after the analysis
 * started (the status still shows the previous outcome until Flagger notices the new revision). `onStatus` runs on
 * each status read while it progresses.
 */
async function analysisOutcome(release: CanaryRelease, timeoutMs: number, onStatus?: (status: CanaryStatus) => Promise<void>): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  const weights: number[] = [];
  let started = false;
  let last: CanaryStatus | undefined;
  while (Date.now() < deadline) {
    last = await release.status();
    if (!REST_PHASES.has(last.phase)) {
      started = true;
      if (weights.at(-1) !== last.canaryWeight) weights.push(last.canaryWeight);
      await onStatus?.(last);
    } else if (started) {
      return { status: last, weights };
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(`Flagger's analysis of ${release.name} did not end within ${timeoutMs / 1000} s (${started ? 'it started' : 'it never started'}; last phase ${last?.phase}, weight ${last?.canaryWeight}, failed checks ${last?.failedChecks})`);
}

async function recordFlagger(ctx: StepContext, release: CanaryRelease, sinceMs: number): Promise<string[]> {
  const events = await release.events();
  ctx.evidence(release.sources.events(), events.join('\n') || 'none');
  const log = await release.controllerLog(sinceMs);
  ctx.evidence(release.sources.controllerLog(), log.join('\n') || 'none');
  return log;
}

async function expectAllOn(ctx: StepContext, release: CanaryRelease, options: FlaggerStepsOptions, version: string): Promise<void> {
  const weights = await release.weights();
  ctx.evidence(release.sources.route(), `${release.name}-primary: ${weights.primary}, ${release.name}-canary: ${weights.canary}`);
  expect(weights.canary === 0, `the canary's weight should be 0, it is ${weights.canary}`);
  const plain = await requests(release, options, CHECK_SAMPLE);
  const tester = await requests(release, options, CHECK_SAMPLE / 2, { [options.header.name]: options.header.value });
  ctx.evidence(`${release.sources.requests()}: ${CHECK_SAMPLE} requests`, formatTally(tallyAnswers(plain)));
  ctx.evidence(`${release.sources.requests()}: ${CHECK_SAMPLE / 2} with header ${options.header.name}: ${options.header.value}`, formatTally(tallyAnswers(tester)));
  const others = [...plain, ...tester].filter((r) => answeredBy(r) !== version);
  expect(others.length === 0, `every request should answer "Version ${version}", ${others.length} did not: ${formatTally(tallyAnswers(others))}`);
}

/** The weight-10 sample: requests through the router, their answers and the router's own counts of them. */
async function countSplit(ctx: StepContext, release: CanaryRelease, options: FlaggerStepsOptions): Promise<void> {
  const before: RouteWeights = await release.weights();
  const routerBefore = await release.routerRequests();
  const results = await requests(release, options, SPLIT_SAMPLE, {}, Date.now() + SPLIT_WINDOW_MS);
  const routerAfter = await release.routerRequests();
  const after = await release.weights();
  const counts = tallyAnswers(results);
  const n = results.length;
  const share = (counts.v2 ?? 0) / n;
  const routed = Object.entries(routerAfter)
    .filter(([service]) => service.includes(release.name))
    .map(([service, total]) => `${service}: +${total - (routerBefore[service] ?? 0)}`);
  ctx.evidence(release.sources.route(), `weights while counting: canary ${before.canary} → ${after.canary}`);
  ctx.evidence(`${release.sources.requests()}: ${n} requests at weight ${before.canary}`, formatTally(counts));
  ctx.evidence(`${release.sources.routerMetrics()} during them (the load loop's included)`, routed.join('\n') || 'no series for this route');
  ctx.state.flaggerSplit = { n, share, weights: [before.canary, after.canary] };
}

export function flaggerSteps(options: FlaggerStepsOptions): Step[] {
  const onKind = { targets: ['kind'] as const, requires: ['flagger'] as const };
  const tester = { [options.header.name]: options.header.value };
  return [
    {
      ...onKind,
      phase: 'setup',
      title: "helm upgrade: Flagger's Canary myweb (seed 004's ingress-app-canary: interval 10s, threshold 10, stepWeight 5, maxWeight 50, success rate ≥ 99 % over 1m) on Traefik's Gateway, myweb at v1",
      async run(ctx) {
        const release = releaseOf(ctx);
        ctx.state.flaggerSince = Date.now();
        await release.install('canary', 'v1');
        ctx.evidence(release.sources.install(), 'flaggerCanary: { enabled: true, strategy: canary, version: v1 }');
        const status = await release.status();
        ctx.evidence(release.sources.status(), `phase ${status.phase}, canary weight ${status.canaryWeight}`);
        await recordFlagger(ctx, release, ctx.state.flaggerSince as number);
        await expectAllOn(ctx, release, options, 'v1');
      },
    },
    {
      ...onKind,
      phase: 'break',
      title: `kubectl set env deployment/myweb VERSION=v2 FAULTS=${options.erroringFaults}: Flagger analyses a v2 that answers 503 under the curl loop`,
      async run(ctx) {
        const release = releaseOf(ctx);
        const since = Date.now();
        await release.release({ VERSION: 'v2', SERVICE_VERSION: 'v2', FAULTS: options.erroringFaults });
        const load = loadLoop(release, options, [{}]);
        let outcome: Outcome;
        try {
          outcome = await analysisOutcome(release, ROLLBACK_TIMEOUT_MS);
        } finally {
          ctx.evidence(`${release.sources.requests()}: the curl loop during the analysis`, formatTally(await load.stop()));
        }
        ctx.state.erroringOutcome = outcome;
        ctx.state.erroringLog = await recordFlagger(ctx, release, since);
        ctx.evidence(release.sources.status(), `weights seen: ${outcome.weights.join(' → ')}; phase ${outcome.status.phase}, failed checks ${outcome.status.failedChecks}`);
      },
    },
    {
      ...onKind,
      phase: 'symptom',
      title: `Flagger rolled the erroring v2 back: ${THRESHOLD} failed checks (its success rate read below ${MIN_SUCCESS_RATE}), phase Failed, every request on v1`,
      async run(ctx) {
        const release = releaseOf(ctx);
        const outcome = ctx.state.erroringOutcome as Outcome;
        const log = ctx.state.erroringLog as string[];
        expect(outcome.status.phase === 'Failed', `Flagger should roll the erroring v2 back, the Canary ended ${outcome.status.phase}`);
        // Each failed check is a halt: below the minimum, or no values yet (the first check, before the new pods were scraped).
        const halts = log.filter((m) => /^Halt .*success-rate-by-status-code/.test(m));
        const below = halts.filter((m) => new RegExp(`advancement success-rate-by-status-code [\\d.]+ < ${MIN_SUCCESS_RATE}\\b`).test(m));
        expect(halts.length >= THRESHOLD, `Flagger's log should show ${THRESHOLD} halts on the success rate, it shows ${halts.length}`);
        expect(below.length > 0, `Flagger should have read the erroring v2's success rate below ${MIN_SUCCESS_RATE} (not only "no values"): ${halts.slice(0, 3).join(' | ')}`);
        expect(log.some((m) => /^Rolling back .* failed checks threshold reached/.test(m)), `Flagger's log should say "Rolling back … failed checks threshold reached"`);
        expect(log.some((m) => /^Canary failed!/.test(m)), `Flagger's log should say "Canary failed!"`);
        await expectAllOn(ctx, release, options, 'v1');
      },
    },
    {
      ...onKind,
      phase: 'fix',
      title: `kubectl set env deployment/myweb FAULTS-: a good v2; Flagger advances it 5 → 50 and promotes it; the v2 share counted through Traefik at weight ${SPLIT_WEIGHT}`,
      async run(ctx) {
        const release = releaseOf(ctx);
        const since = Date.now();
        await release.release({ VERSION: 'v2', SERVICE_VERSION: 'v2', FAULTS: undefined });
        const load = loadLoop(release, options, [{}]);
        let outcome: Outcome;
        try {
          outcome = await analysisOutcome(release, PROMOTION_TIMEOUT_MS, async (status) => {
            if (status.phase === 'Progressing' && status.canaryWeight === SPLIT_WEIGHT && !ctx.state.flaggerSplit) await countSplit(ctx, release, options);
          });
        } finally {
          ctx.evidence(`${release.sources.requests()}: the curl loop during the analysis`, formatTally(await load.stop()));
        }
        ctx.state.goodOutcome = outcome;
        ctx.state.goodLog = await recordFlagger(ctx, release, since);
        ctx.evidence(release.sources.status(), `weights seen: ${outcome.weights.join(' → ')}; phase ${outcome.status.phase}`);
      },
    },
    {
      ...onKind,
      phase: 'after',
      title: `promoted: myweb-primary took v2, weight 0, every request answers Version v2; at weight ${SPLIT_WEIGHT} the v2 share was near ${SPLIT_WEIGHT} %`,
      async run(ctx) {
        const release = releaseOf(ctx);
        const outcome = ctx.state.goodOutcome as Outcome;
        expect(outcome.status.phase === 'Succeeded', `Flagger should promote the good v2, the Canary ended ${outcome.status.phase}`);
        expect((ctx.state.goodLog as string[]).some((m) => /^Promotion completed!/.test(m)), `Flagger's log should say "Promotion completed!"`);
        const split = ctx.state.flaggerSplit as { n: number; share: number } | undefined;
        expect(split, `the analysis never showed weight ${SPLIT_WEIGHT} (weights seen: ${outcome.weights.join(', ')})`);
        // Three standard deviations of a binomial share at 10 % for this many requests (Traefik's weighted round robin is closer).
        const band = 3 * Math.sqrt((0.1 * 0.9) / split.n);
        expect(Math.abs(split.share - 0.1) <= band, `v2 share ${(split.share * 100).toFixed(1)}% of ${split.n} is not within ${(band * 100).toFixed(1)} points of ${SPLIT_WEIGHT}%`);
        await expectAllOn(ctx, release, options, 'v2');
      },
    },
    {
      ...onKind,
      phase: 'after',
      title: `A/B (seed 004's ingress-app-ab: 12 iterations, header ${options.header.name}: ${options.header.value} or cookie ${options.cookie}=always): v3 reaches testers only, then is promoted`,
      async run(ctx) {
        const release = releaseOf(ctx);
        await release.install('ab', 'v2');
        ctx.evidence(release.sources.install(), 'flaggerCanary: { enabled: true, strategy: ab, version: v2 }');
        const since = Date.now();
        await release.release({ VERSION: 'v3', SERVICE_VERSION: 'v3' });
        const load = loadLoop(release, options, [{}, tester]);
        let outcome: Outcome;
        let checked = false;
        try {
          outcome = await analysisOutcome(release, PROMOTION_TIMEOUT_MS, async (status) => {
            if (checked || status.phase !== 'Progressing' || status.iterations < 1) return;
            checked = true;
            const byHeader = await requests(release, options, AB_SAMPLE, tester);
            const byCookie = await requests(release, options, AB_SAMPLE, { cookie: `${options.cookie}=always` });
            const plain = await requests(release, options, AB_SAMPLE / 2);
            const optedOut = await requests(release, options, AB_SAMPLE / 2, { cookie: `${options.cookie}=never` });
            ctx.evidence(`${release.sources.requests()}: header ${options.header.name}: ${options.header.value} ×${AB_SAMPLE}`, formatTally(tallyAnswers(byHeader)));
            ctx.evidence(`${release.sources.requests()}: cookie ${options.cookie}=always ×${AB_SAMPLE}`, formatTally(tallyAnswers(byCookie)));
            ctx.evidence(`${release.sources.requests()}: no header or cookie ×${AB_SAMPLE / 2}`, formatTally(tallyAnswers(plain)));
            ctx.evidence(`${release.sources.requests()}: cookie ${options.cookie}=never ×${AB_SAMPLE / 2}`, formatTally(tallyAnswers(optedOut)));
            ctx.state.abChecks = { byHeader, byCookie, plain, optedOut };
          });
        } finally {
          ctx.evidence(`${release.sources.requests()}: the curl loop during the analysis (every other request with the header)`, formatTally(await load.stop()));
        }
        const log = await recordFlagger(ctx, release, since);
        const ab = ctx.state.abChecks as Record<'byHeader' | 'byCookie' | 'plain' | 'optedOut', HttpResult[]> | undefined;
        expect(ab, 'the A/B analysis never progressed');
        for (const [what, results, version] of [
          [`header ${options.header.name}: ${options.header.value}`, ab.byHeader, 'v3'],
          [`cookie ${options.cookie}=always`, ab.byCookie, 'v3'],
          ['no header or cookie', ab.plain, 'v2'],
          [`cookie ${options.cookie}=never`, ab.optedOut, 'v2'],
        ] as const) {
          expect(results.every((r) => answeredBy(r) === version), `during the A/B analysis, requests with ${what} should all reach ${version}: ${formatTally(tallyAnswers(results))}`);
        }
        expect(outcome.status.phase === 'Succeeded', `Flagger should promote v3 after its iterations, the Canary ended ${outcome.status.phase}`);
        expect(log.some((m) => /^Promotion completed!/.test(m)), `Flagger's log should say "Promotion completed!"`);
        await expectAllOn(ctx, release, options, 'v3');
      },
    },
  ];
}
