import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

/**
 * This machine cannot pull images, so test/build.test.ts runs the production steps in a
 * temporary folder; this checks that the Dockerfile runs exactly those steps, and that the
 * compose file wires two replicas to one PostgreSQL.
 */
interface Stage {
  from: string;
  lines: { op: string; arg: string }[];
}

function stages(text: string): Stage[] {
  const out: Stage[] = [];
  const logical = text.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const l of logical) {
    const [op, ...rest] = l.split(/\s+/);
    const arg = rest.join(' ');
    if (op === 'FROM') out.push({ from: arg, lines: [] });
    else out.at(-1)!.lines.push({ op: op!, arg });
  }
  return out;
}

const docker = stages(readFileSync('Dockerfile', 'utf8'));
const runs = (s: Stage) => s.lines.filter((l) => l.op === 'RUN').map((l) => l.arg);
const one = (s: Stage, op: string) => s.lines.filter((l) => l.op === op).map((l) => l.arg);

describe('Dockerfile', () => {
  it('builds in one stage with the devDependencies and runs the build without them', () => {
    expect(docker).toHaveLength(2);
    const [build, run] = docker as [Stage, Stage];
    expect(build.from).toMatch(/^node:20[\w.-]* AS build$/);
    // The steps test/build.test.ts runs: npm ci, npm run build (scripts/build.mjs) ...
    expect(runs(build)).toEqual(['npm ci --no-audit --no-fund', 'npm run build']);
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts.build).toBe('node scripts/build.mjs');
    // ... then package.json, the lock file, the build and data/ with npm ci --omit=dev, started with plain node.
    expect(run.from).toMatch(/^node:20[\w.-]*$/);
    expect(one(run, 'COPY')).toEqual(['package.json package-lock.json ./', '--from=build /app/dist dist', 'data data']);
    expect(runs(run)[0]).toMatch(/^npm ci --omit=dev\b/);
    expect(JSON.parse(one(run, 'CMD')[0]!)).toEqual(['node', 'dist/src/main.js']);
  });

  it('keeps exactly the font weights the PDF reports embed', () => {
    const prune = runs(docker[1]!).find((r) => r.includes('noto-sans-sc'))!;
    const kept = [...prune.matchAll(/! -name (\S+)/g)].map((m) => m[1]).sort();
    const used = [...readFileSync('src/reports/pdf.ts', 'utf8').matchAll(/noto-sans-sc\/(\w+)\//g)].map((m) => m[1]).sort();
    expect(used.length).toBeGreaterThan(0);
    expect(kept).toEqual([...new Set(used)]);
  });

  it('runs as a non-root user, keeps the store in a volume, and checks /healthz', () => {
    const run = docker[1]!;
    expect(one(run, 'USER')).toEqual(['node']);
    const env = one(run, 'ENV').join(' ');
    expect(env).toContain('HOST=0.0.0.0');
    const store = /DB_FILE=(\S+)\/db\.json/.exec(env)?.[1];
    expect(store).toBeDefined();
    expect(JSON.parse(one(run, 'VOLUME')[0]!)).toEqual([store]);
    expect(runs(run).join(' ')).toContain(`chown node:node ${store}`);
    expect(one(run, 'HEALTHCHECK')[0]).toMatch(/CMD .*\/healthz/);
    expect(one(run, 'STOPSIGNAL')).toEqual(['SIGTERM']);
  });
});

describe('compose.yaml', () => {
  const compose = yaml.load(readFileSync('compose.yaml', 'utf8')) as { services: Record<string, { build?: string; image?: string; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; ports?: string[]; healthcheck?: unknown }> };

  it('runs two bot replicas from this Dockerfile on one PostgreSQL, each reachable for webhooks', () => {
    const bots = Object.entries(compose.services).filter(([, s]) => s.build === '.');
    expect(bots.map(([n]) => n)).toEqual(['bot-1', 'bot-2']);
    const pg = compose.services.postgres!;
    expect(pg.image).toMatch(/^postgres:/);
    expect(pg.healthcheck).toBeDefined();
    const urls = bots.map(([, s]) => s.environment?.DATABASE_URL);
    expect(new Set(urls).size).toBe(1);
    expect(urls[0]).toMatch(/^postgres:\/\/bot:.*@postgres:5432\/oabot$/);
    for (const [, s] of bots) {
      expect(s.depends_on?.postgres?.condition).toBe('service_healthy');
      expect(s.environment?.HOST).toBe('0.0.0.0');
    }
    expect(new Set(bots.map(([, s]) => s.ports?.[0]?.split(':')[0])).size).toBe(2);
  });
});
