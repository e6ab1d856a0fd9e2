/**
 * `npm run rehearse`: what `cdk deploy` would upload, run on this machine.
 * 1. synthesize the prod stage for a China region (`--region`, default cn-north-1) with bundling,
 *    as a deploy does, into `.build/rehearsal/cdk.out`;
 * 2. run the end-to-end suite over it: every route from the template's API resources to the built
 *    asset of the function its integration names, the authorizer, stream and queue mappings with
 *    their filters, schedules (bin/rehearsal/host-template.ts);
 * 3. check every AWS call the functions made against their roles' policies and the key policies
 *    (bin/rehearsal/iam-check.ts), and every variable they read against the template's.
 * Exits 1 if a test fails, a call is denied, or a function read an undeclared variable.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from './app';
import type { RecordedCall } from './rehearsal/aws-endpoint';
import { projectVariables, unexcused } from './rehearsal/env-check';
import { OPERATOR, REHEARSAL_CALLS, REHEARSAL_CDK_OUT, stackNames } from './rehearsal/host-template';
import { checkCalls } from './rehearsal/iam-check';
import { readPlan } from './rehearsal/plan';

/**
 * The end-to-end files the rehearsal runs: every one that drives the API over HTTP alone. Those
 * that change the configuration in-process (security, ownership, local-api, the browser tests)
 * cannot reach functions running in their own threads, and npm-start and load test `npm start`.
 */
export const REHEARSAL_SUITE = [
  'test/infra/bundled-assets.test.ts',
  'test/e2e/fuzz.test.ts',
  'test/e2e/auth-flow.test.ts',
  'test/e2e/hospital-api.test.ts',
  'test/e2e/standard-verifiers.test.ts',
  'test/e2e/oidc.test.ts',
  'test/e2e/pagination.test.ts',
  'test/e2e/miniprogram.test.ts',
  'test/e2e/liveness.test.ts',
  'test/e2e/privacy-rights.test.ts',
  'test/e2e/restart.test.ts',
  'test/e2e/deployment.test.ts',
  'test/e2e/incident.test.ts',
  'test/e2e/wind-down.test.ts',
];

const say = (line: string) => process.stdout.write(`${line}\n`);

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

async function main(): Promise<number> {
  const root = resolve(import.meta.dirname, '..');
  const region = arg('region', 'cn-north-1');
  const outdir = join(root, '.build', 'rehearsal', 'cdk.out');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const started = Date.now();
  // `--context name=value` (repeatable): rehearse a deploy's context too (a key rotation, say).
  const extra = Object.fromEntries(
    process.argv
      .flatMap((a, i) => (a === '--context' ? [process.argv[i + 1] ?? ''] : []))
      .map((pair) => [pair.split('=')[0], pair.split('=').slice(1).join('=')]),
  );
  const { app } = buildApp(new App({ outdir, context: { region, stage: 'prod', ...extra } }));
  app.synth();
  say(
    `rehearse: synthesized prod for ${region} with bundling in ${Math.round((Date.now() - started) / 1000)} s`,
  );

  const callsFile = join(outdir, 'rehearsal-calls.jsonl');
  const named = process.argv.slice(2).filter((a) => a.startsWith('test/'));
  const vitest = spawnSync(
    join(root, 'node_modules', '.bin', 'vitest'),
    ['run', ...(named.length > 0 ? named : REHEARSAL_SUITE)],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, [REHEARSAL_CDK_OUT]: outdir, [REHEARSAL_CALLS]: callsFile },
    },
  );

  const lines = existsSync(callsFile)
    ? readFileSync(callsFile, 'utf8').trim().split('\n').filter(Boolean)
    : [];
  const records = lines.map((l) => JSON.parse(l) as { kind: string } & Record<string, unknown>);
  // Operators' commands act with their own IAM identity: not a function role of the template.
  const calls = (records.filter((r) => r.kind === 'call') as unknown as RecordedCall[]).filter(
    (c) => c.functionId !== OPERATOR,
  );
  const plan = readPlan(outdir, stackNames(outdir), { tableName: 'rehearsal', region });
  // Calls name the table each test file used: check them against the template's table.
  const normalised = calls.map((c) => ({
    ...c,
    resource: c.resource.replace(/:table\/[^/]+/, `:table/rehearsal`),
  }));
  const report = await checkCalls(plan, normalised);
  say(
    `rehearse: ${report.checked} AWS calls recorded, ${report.distinct} distinct, checked against the roles and key policies`,
  );
  for (const { call, result } of report.denied)
    say(
      `  DENIED ${call.functionId} ${call.action} ${call.resource} ${JSON.stringify(call.context)}: ${result}`,
    );
  say(`rehearse: ${report.unused.length} granted actions no call used:`);
  for (const u of report.unused) say(`  unused ${u.functionId} ${u.action} on ${u.resource}`);
  const ours = projectVariables(join(root, 'functions'));
  const undeclared = new Map<string, Set<string>>();
  for (const r of records.filter((x) => x.kind === 'env') as unknown as {
    functionId: string;
    undeclared: string[];
  }[]) {
    for (const name of unexcused(ours, r.undeclared))
      undeclared.set(r.functionId, (undeclared.get(r.functionId) ?? new Set()).add(name));
  }
  for (const [fn, names] of undeclared)
    say(`  ${fn} read variables the template does not set: ${[...names].join(', ')}`);
  if (calls.length === 0) say('rehearse: no AWS call was recorded: the suite did not run over the template');
  const failed = vitest.status !== 0 || report.denied.length > 0 || undeclared.size > 0 || calls.length === 0;
  say(`rehearse: ${failed ? 'FAILED' : 'passed'}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `rehearse: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
