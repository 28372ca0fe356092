/**
 * The one Dockerfile, read as a reviewer would: multi-stage, a current LTS Node base, the app bundled in a
 * build stage, production dependencies only (root package, no workspaces), a non-root user, the tracing
 * preload in the command; and a .dockerignore that keeps the context small but complete.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { repoPath } from './repo';

interface Stage {
  from: string;
  name?: string;
  lines: string[];
}

/** Splits the Dockerfile into stages (continuation lines joined, comments dropped). */
function stages(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const result: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.push({ from: from[1], name: from[2], lines: [] });
    else if (result.length) result.at(-1)?.lines.push(line);
    else {
      const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
      if (arg) args[arg[1]] = arg[2];
    }
  }
  return { args, stages: result };
}

const { args, stages: all } = stages(readFileSync(repoPath('Dockerfile'), 'utf8'));
const final = all[all.length - 1];

describe('Dockerfile', () => {
  it('is multi-stage on a current LTS Node image', () => {
    assert.ok(all.length >= 2, 'at least a build stage and a runtime stage');
    for (const stage of all) {
      const image = stage.from.replace('${NODE_IMAGE}', args.NODE_IMAGE ?? '');
      assert.match(image, /^node:22(-alpine|-slim|-bookworm-slim)?$/, stage.from);
    }
  });

  it('builds the app named by the APP build argument with npm ci and tools/build-app.mjs', () => {
    const build = all.find((s) => s.lines.some((l) => l.includes('node tools/build-app.mjs "${APP}"')));
    assert.ok(build, 'a stage runs node tools/build-app.mjs "${APP}"');
    assert.ok(build.lines.some((l) => /^RUN\b.*\bnpm ci\b/.test(l) && !l.includes('--omit=dev')), 'full npm ci before bundling');
    assert.ok(build.lines.includes('ARG APP'));
  });

  it('installs only the root production dependencies in what it ships', () => {
    const deps = all.find((s) => s.lines.some((l) => l.includes('--omit=dev')));
    assert.ok(deps, 'an npm ci --omit=dev stage');
    const install = deps.lines.find((l) => l.includes('--omit=dev')) ?? '';
    assert.match(install, /npm ci --omit=dev/);
    assert.match(install, /--workspaces=false/);
    assert.match(install, /--ignore-scripts/);
    const copies = final.lines.filter((l) => l.startsWith('COPY --from='));
    assert.ok(copies.some((l) => l.includes(`--from=${deps.name}`) && l.includes('node_modules')), 'node_modules from the production stage');
    assert.ok(!copies.some((l) => /--from=build\b.*node_modules/.test(l)), 'no dev node_modules in the image');
    assert.ok(copies.some((l) => l.includes('/dist/apps/${APP}')), 'only this app\'s bundle');
  });

  it('runs as a non-root numeric user with the tracing preload', () => {
    const user = final.lines.filter((l) => l.startsWith('USER ')).at(-1);
    assert.ok(user, 'USER in the final stage');
    const uid = user.split(/\s+/)[1].split(':')[0];
    assert.match(uid, /^\d+$/, 'numeric, so runAsNonRoot can be verified');
    assert.notEqual(Number(uid), 0);
    const cmd = final.lines.find((l) => l.startsWith('CMD '));
    assert.match(cmd ?? '', /node --require \.\/dist\/apps\/\$APP\/tracing\.js dist\/apps\/\$APP\/main\.js/);
    assert.match(cmd ?? '', /^CMD exec node /, 'exec: node is PID 1 and gets SIGTERM');
    assert.ok(final.lines.some((l) => /^ENV .*NODE_ENV=production/.test(l)));
  });

  it('builds with the engine\'s own frontend: no `# syntax=` line, which pulls a frontend image', () => {
    const text = readFileSync(repoPath('Dockerfile'), 'utf8');
    assert.doesNotMatch(text, /^#\s*syntax\s*=/im);
  });

  it('gives every npm ci an optional CA bundle secret (TLS-inspecting proxies, the offline kit)', () => {
    const installs = all.flatMap((s) => s.lines).filter((l) => /\bnpm ci\b/.test(l));
    assert.equal(installs.length, 2);
    for (const install of installs) {
      assert.match(install, /^RUN --mount=type=secret,id=ca-certificates /);
      assert.match(install, /if \[ -f \/run\/secrets\/ca-certificates \]; then export NODE_EXTRA_CA_CERTS=\/run\/secrets\/ca-certificates; fi/);
    }
  });

  it('has a .dockerignore that leaves out dependencies, outputs and git, and keeps the workspace manifest', () => {
    const ignore = readFileSync(repoPath('.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['**/node_modules', '**/dist', '.git']) assert.ok(ignore.includes(entry), entry);
    assert.ok(ignore.includes('!e2e/package.json'), 'npm ci needs the workspace package.json of the lockfile');
  });
});
