/**
 * Seed 004, "Flagger with NGINX Ingress".
 *
 * On the local target: retry-backend v1 (the primary) and v2 (the canary) behind one host on the lab's
 * ingress-nginx stand-in with ingress-nginx's canary annotations, as the chart's canary-split values install them:
 * canary-weight 10, canary-by-header `tester` with value `true`, canary-by-cookie `tester`. The weighted share and
 * the A/B routes are measured through it; then faultline's canary analysis (Flagger's algorithm, not Flagger: 99%,
 * threshold 2) rolls back a v2 that answers 503 and promotes a good one.
 *
 * On kind: the real Flagger drives a real router (Traefik's Gateway API): canary-flagger-steps.ts.
 */
import { type CanaryAnalysisResult, type CanaryAnalysisSettings, FLAGGER_DEFAULTS, runCanaryAnalysis } from '../canary/analysis';
import { answeredBy, formatTally, ingressOf, requestsThroughIngress, tallyAnswers } from '../canary/ingress-traffic';
import { targetCanaryDriver } from '../canary/target-driver';
import type { HttpResult } from '../evidence/http';
import { serviceFor } from '../lab/labs';
import type { DeploymentSpec, LabSpec } from '../lab/spec';
import { CANARY_ANALYSIS_SOURCE } from '../targets/evidence-sources';
import type { CanaryIngressSpec } from '../targets/ingress-control';
import { flaggerSteps } from './canary-flagger-steps';
import { expect, type Scenario, type ScenarioOptions, type Step, type StepContext } from './model';

export const CANARY_HOST = 'retry-backend.faultline.test';
const PRIMARY = 'retry-backend';
const CANARY = 'retry-backend-v2';
/** failRate=0: retry-backend's own failure switch off (its default is failRate 50, mode crash). */
const PATH = '/?failRate=0';
/** The chart's erroring v2: every GET / answers 503. */
const ERRORING_FAULTS = JSON.stringify({ error: { status: 503, rate: 1, route: '/' } });
/** Requests measuring the weighted share: at 10%, 400 give a standard deviation of 1.5 points. */
const SPLIT_SAMPLE = 400;
/** Accepted v2 share at weight 10 (more than 3 standard deviations each side). */
const SPLIT_BAND = { min: 0.05, max: 0.16 };
const AB_SAMPLE = 50;
const CHECK_SAMPLE = 100;
/** Load tester requests per analysis interval: about 8 reach the canary at weight 10. */
const REQUESTS_PER_INTERVAL = 80;

const INGRESS: CanaryIngressSpec = {
  name: 'retry-backend',
  host: CANARY_HOST,
  service: PRIMARY,
  canaryService: CANARY,
  canary: { weight: 10, header: 'tester', headerValue: 'true', cookie: 'tester' },
};

function canaryLab(options: ScenarioOptions): LabSpec {
  const backend = (name: string, version: string): DeploymentSpec => ({
    name,
    app: 'retry-backend',
    port: 8080,
    serviceName: name,
    env: { VERSION: version, SERVER_ID: '$(POD_NAME)', HANG_SECONDS: String(options.hangSeconds) },
  });
  const primary = backend(PRIMARY, 'v1');
  const canary = backend(CANARY, 'v2');
  return { deployments: [primary, canary], services: [serviceFor(primary), serviceFor(canary)] };
}

function annotationsText(spec: CanaryIngressSpec): string {
  const { weight, header, headerValue, cookie } = spec.canary;
  const lines = [`nginx.ingress.kubernetes.io/canary: "true"`, `nginx.ingress.kubernetes.io/canary-weight: "${weight}"`];
  if (header) lines.push(`nginx.ingress.kubernetes.io/canary-by-header: "${header}"`);
  if (headerValue) lines.push(`nginx.ingress.kubernetes.io/canary-by-header-value: "${headerValue}"`);
  if (cookie) lines.push(`nginx.ingress.kubernetes.io/canary-by-cookie: "${cookie}"`);
  return `Ingress ${spec.name} (host ${spec.host}) → Service ${spec.service}\nIngress ${spec.name}-canary → Service ${spec.canaryService}\n  ${lines.join('\n  ')}`;
}

/** The analysis's events, worded as Flagger's; warnings for what halted or failed it. */
function eventsText(result: CanaryAnalysisResult): string {
  return result.events.map((e) => `${/^(Halt|Rolling back|Canary failed)/.test(e) ? 'Warning' : 'Normal '}  ${e}`).join('\n');
}

function checksText(result: CanaryAnalysisResult): string {
  return result.checks
    .map((c) => `weight ${c.weight}: ${c.sample.total} canary requests, ${c.sample.failed} 5xx → success rate ${c.successRate === undefined ? 'no values' : `${c.successRate.toFixed(2)}%`} ${c.passed ? 'ok' : 'FAILED'}`)
    .join('\n');
}

async function analyse(ctx: StepContext, settings: CanaryAnalysisSettings): Promise<CanaryAnalysisResult> {
  const { target, state } = ctx;
  const driver = targetCanaryDriver({
    target,
    ingress: ingressOf(target),
    host: CANARY_HOST,
    path: PATH,
    primary: PRIMARY,
    canary: CANARY,
    canaryEnv: () => state.canaryEnv as Record<string, string | undefined>,
    requestsPerInterval: REQUESTS_PER_INTERVAL,
  });
  const result = await runCanaryAnalysis(settings, driver);
  ctx.evidence(`${CANARY_ANALYSIS_SOURCE}: events of ${CANARY}`, eventsText(result));
  ctx.evidence(`${CANARY_ANALYSIS_SOURCE}: request-success-rate checks (the canary pods' http_requests_total)`, checksText(result));
  return result;
}

/** Every request (plain, and with the tester header) answered 200 by `version` from a primary pod, and the weight is 0. */
async function expectAllOn(ctx: StepContext, version: string): Promise<void> {
  const ingress = ingressOf(ctx.target);
  const spec = await ingress.get(CANARY_HOST);
  ctx.evidence(ingress.sources.ingress(CANARY_HOST), spec ? annotationsText(spec) : 'none');
  expect(spec?.canary.weight === 0, `the canary weight should be back to 0, it is ${spec?.canary.weight}`);
  const plain = await requestsThroughIngress(ingress, CANARY_HOST, PATH, CHECK_SAMPLE);
  const tester = await requestsThroughIngress(ingress, CANARY_HOST, PATH, AB_SAMPLE / 2, { tester: 'true' });
  ctx.evidence(`${ingress.sources.requests()}: ${CHECK_SAMPLE} requests`, formatTally(tallyAnswers(plain)));
  ctx.evidence(`${ingress.sources.requests()}: ${AB_SAMPLE / 2} requests with header tester: true`, formatTally(tallyAnswers(tester)));
  const others = [...plain, ...tester].map(answeredBy).filter((who) => who !== version);
  expect(others.length === 0, `every request should answer "Version ${version}", ${others.length} did not (${[...new Set(others)].join(', ')})`);
  const primaryPods = new Set((await ctx.target.pods(PRIMARY)).map((p) => p.name));
  const servers = tallyServers([...plain, ...tester]);
  ctx.evidence(`${ingress.sources.requests()}: answers by server id`, formatTally(servers));
  const notPrimary = Object.keys(servers).filter((id) => !primaryPods.has(id));
  expect(notPrimary.length === 0, `every answer should come from a ${PRIMARY} pod (${[...primaryPods].join(', ')}), not from ${notPrimary.join(', ')}`);
}

function tallyServers(results: readonly HttpResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const id = /server id (\S+)/.exec(result.body)?.[1] ?? answeredBy(result);
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

export interface CanarySplitVariant {
  /** false turns the analysis's request-success-rate check off (to show the harness notices what it prevents). */
  successRateCheck?: boolean;
}

export function canarySplitScenario(variant: CanarySplitVariant = {}): Scenario {
  const settings: CanaryAnalysisSettings = { ...FLAGGER_DEFAULTS, minSuccessRate: variant.successRateCheck === false ? undefined : FLAGGER_DEFAULTS.minSuccessRate };
  return {
    id: 'canary-split',
    seed: '004',
    title: 'Canary v1/v2 behind an ingress: weighted split, tester header/cookie to v2, rollback on errors, promotion',
    breaks: 'v1 + v2 of retry-backend, canary-weight 10; header `tester: true` / cookie `tester=always` → v2; then a v2 answering 503',
    symptom: 'v2 share near 10%; matched requests all on v2; the erroring v2 fails the success-rate checks and is rolled back (weight 0, all on v1)',
    fix: 'a good v2 → the analysis advances it (locally 10 → 20 → 30 → 50; on kind Flagger itself, 5 → 50) and promotes it: every request answers Version v2; on kind then an A/B release of v3 to testers',
    targets: ['local', 'kind'],
    lab: canaryLab,
    steps: [
      ...localSteps(settings),
      ...flaggerSteps({ host: CANARY_HOST, path: PATH, erroringFaults: ERRORING_FAULTS, header: { name: 'tester', value: 'true' }, cookie: 'tester' }),
    ],
  };
}

/** The local target's steps: the ingress-nginx stand-in's canary rules and faultline's canary analysis. */
function localSteps(settings: CanaryAnalysisSettings): Step[] {
  const onLocal = { targets: ['local'] as const };
  return [
      {
        ...onLocal,
        phase: 'setup',
        title: 'kubectl apply: Ingress retry-backend → v1, canary Ingress → v2 (weight 10, header tester: true, cookie tester)',
        async run(ctx) {
          const ingress = ingressOf(ctx.target);
          await ingress.apply(INGRESS);
          ctx.state.canaryEnv = { VERSION: 'v2' };
          const applied = await ingress.get(CANARY_HOST);
          expect(applied, `no Ingress pair for ${CANARY_HOST} after applying it`);
          ctx.evidence(ingress.sources.ingress(CANARY_HOST), annotationsText(applied));
          const probe = await requestsThroughIngress(ingress, CANARY_HOST, PATH, 1, { tester: 'true' });
          expect(answeredBy(probe[0]) === 'v2', `the ingress should reach v2 with tester: true, got ${answeredBy(probe[0])} ${probe[0].body}`);
        },
      },
      {
        ...onLocal,
        phase: 'symptom',
        title: `weight 10: ${SPLIT_SAMPLE} requests through the ingress, the v2 share is near 10%`,
        async run(ctx) {
          const ingress = ingressOf(ctx.target);
          const results = await requestsThroughIngress(ingress, CANARY_HOST, PATH, SPLIT_SAMPLE);
          const counts = tallyAnswers(results);
          ctx.evidence(`${ingress.sources.requests()}: answers by version`, formatTally(counts));
          const flagged = results.filter((r) => r.headers['x-canary'] !== undefined);
          if (flagged.length) {
            const agree = flagged.every((r) => (r.headers['x-canary'] === 'true') === (answeredBy(r) === 'v2'));
            ctx.evidence(`${ingress.sources.requests()}: x-canary header`, `${flagged.filter((r) => r.headers['x-canary'] === 'true').length} true; agrees with the body's version: ${agree}`);
            expect(agree, 'the x-canary header should name the backend that answered');
          }
          expect((counts.v1 ?? 0) + (counts.v2 ?? 0) === SPLIT_SAMPLE, `every request should be answered by v1 or v2: ${formatTally(counts)}`);
          const share = (counts.v2 ?? 0) / SPLIT_SAMPLE;
          ctx.state.observedSplit = share;
          expect(share >= SPLIT_BAND.min && share <= SPLIT_BAND.max, `v2 share ${(share * 100).toFixed(1)}% is outside ${SPLIT_BAND.min * 100}–${SPLIT_BAND.max * 100}% for weight 10`);
        },
      },
      {
        ...onLocal,
        phase: 'symptom',
        title: 'A/B: every request with header tester: true, and every one with cookie tester=always, lands on v2',
        async run(ctx) {
          const ingress = ingressOf(ctx.target);
          const byHeader = await requestsThroughIngress(ingress, CANARY_HOST, PATH, AB_SAMPLE, { tester: 'true' });
          const byCookie = await requestsThroughIngress(ingress, CANARY_HOST, PATH, AB_SAMPLE, { cookie: 'tester=always' });
          ctx.evidence(`${ingress.sources.requests()}: header tester: true ×${AB_SAMPLE}`, formatTally(tallyAnswers(byHeader)));
          ctx.evidence(`${ingress.sources.requests()}: cookie tester=always ×${AB_SAMPLE}`, formatTally(tallyAnswers(byCookie)));
          const optedOut = await requestsThroughIngress(ingress, CANARY_HOST, PATH, AB_SAMPLE / 2, { cookie: 'tester=never' });
          ctx.evidence(`${ingress.sources.requests()}: cookie tester=never ×${AB_SAMPLE / 2}`, formatTally(tallyAnswers(optedOut)));
          expect(byHeader.every((r) => answeredBy(r) === 'v2'), `tester: true should always reach v2: ${formatTally(tallyAnswers(byHeader))}`);
          expect(byCookie.every((r) => answeredBy(r) === 'v2'), `tester=always should always reach v2: ${formatTally(tallyAnswers(byCookie))}`);
          expect(optedOut.every((r) => answeredBy(r) === 'v1'), `tester=never should never reach v2: ${formatTally(tallyAnswers(optedOut))}`);
        },
      },
      {
        ...onLocal,
        phase: 'break',
        title: `a v2 that answers 503 (FAULTS=${ERRORING_FAULTS}) is rolled out; the canary analysis runs`,
        async run(ctx) {
          ctx.state.canaryEnv = { VERSION: 'v2', FAULTS: ERRORING_FAULTS };
          await ctx.target.setEnv(CANARY, { FAULTS: ERRORING_FAULTS });
          ctx.state.erroringAnalysis = await analyse(ctx, settings);
        },
      },
      {
        ...onLocal,
        phase: 'symptom',
        title: 'the analysis rolled the erroring v2 back: failed checks threshold reached, weight 0, every request on v1',
        async run(ctx) {
          const result = ctx.state.erroringAnalysis as CanaryAnalysisResult;
          expect(result.phase === 'Failed', `the analysis should roll the erroring v2 back, it ended ${result.phase}: ${result.events.at(-1)}`);
          expect(
            result.events.some((e) => /^Rolling back .* failed checks threshold reached/.test(e)),
            'a "Rolling back … failed checks threshold reached" event',
          );
          await expectAllOn(ctx, 'v1');
        },
      },
      {
        ...onLocal,
        phase: 'fix',
        title: 'a good v2 (FAULTS removed) is rolled out; the canary analysis runs again',
        async run(ctx) {
          ctx.state.canaryEnv = { VERSION: 'v2', FAULTS: undefined };
          await ctx.target.setEnv(CANARY, { FAULTS: undefined });
          ctx.state.goodAnalysis = await analyse(ctx, settings);
        },
      },
      {
        ...onLocal,
        phase: 'after',
        title: 'promoted: retry-backend took v2, weight 0, every request answers Version v2',
        async run(ctx) {
          const result = ctx.state.goodAnalysis as CanaryAnalysisResult;
          expect(result.phase === 'Succeeded', `the analysis should promote the good v2, it ended ${result.phase}: ${result.events.at(-1)}`);
          expect(result.events.at(-1)?.startsWith('Promotion completed'), 'a "Promotion completed" event');
          await expectAllOn(ctx, 'v2');
        },
      },
  ];
}

export const canarySplit = canarySplitScenario();
