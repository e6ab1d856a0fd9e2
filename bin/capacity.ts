import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { stageConfig } from '../functions/core/config';
import { quotaNeeded } from '../lib/concurrency';
import { buildApp } from './app';
import { checkCapacity, costPerThousand, type Template } from './capacity/check';
import { designFlows, loginVerifyFlow } from './capacity/rush';
import { prices, quotas } from './capacity/sources';

/**
 * `npm run capacity -- --stage prod [--cdk-out cdk.out] [--account-concurrency N]`
 * Per flow of the design rush: its rate, the ceiling each layer of the synthesized stack sets
 * (stage and route throttles, WAF rate rules, reserved concurrency over the measured duration,
 * the authorizer's share, DynamoDB table and partition throughput, KMS, the providers), the
 * bottleneck, and yuan per 1,000 of each flow. Exits 1 when a flow's ceiling is below its rate.
 * With --cdk-out it reads what `cdk synth` wrote (npm run synth); without, it synthesizes here
 * with asset bundling skipped (the numbers it reads do not depend on the bundles).
 */
function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const stage = arg('stage') ?? 'prod';
const config = stageConfig(stage);
const cdkOut = arg('cdk-out');
const benchFile = resolve(import.meta.dirname, '..', 'bench', 'results', 'latest.json');

function templatesFrom(dir: string): Template[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.template.json') && f.includes(`-${stage}-`))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Template);
}

function synthesize(): Template[] {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'po-capacity-')),
    context: { 'aws:cdk:bundling-stacks': [], region: 'cn-north-1', stage },
  });
  buildApp(app);
  return app.synth().stacks.map((s) => s.template as Template);
}

const templates = cdkOut && existsSync(cdkOut) ? templatesFrom(cdkOut) : synthesize();
if (templates.length === 0) {
  process.stderr.write(`no templates for stage ${stage}${cdkOut ? ` in ${cdkOut}` : ''}\n`);
  process.exit(2);
}
const flows = designFlows(benchFile);
const { verdicts, functions } = checkCapacity(config, templates, flows);
const costs = costPerThousand(templates, config, flows, loginVerifyFlow(benchFile));

const round = (n: number) => (Number.isFinite(n) ? Math.floor(n).toLocaleString('en') : '∞');
const out: string[] = [];
out.push(`Capacity of stage ${stage} for the design rush (README, "Capacity")`, '');
out.push('| flow | design /s | ceiling /s | bottleneck | holds |', '| --- | ---: | ---: | --- | --- |');
for (const v of verdicts) {
  out.push(
    `| ${v.flow} | ${round(v.design)} | ${round(v.bottleneck.perSecond)} | ${v.bottleneck.layer} (${v.bottleneck.how}) | ${v.holds ? 'yes' : '**no**'} |`,
  );
}
out.push('', 'Every layer, per flow:');
for (const v of verdicts) {
  out.push(`  ${v.flow} (${v.design}/s):`);
  for (const c of v.ceilings)
    out.push(`    ${c.layer.padEnd(34)} ${round(c.perSecond).padStart(9)}/s  ${c.how}`);
}
const { reserved, needed } = quotaNeeded(
  config,
  functions.map((f) => f.name),
);
out.push(
  '',
  `Lambda: the rush needs ${functions.map((f) => `${f.name} ${f.needed}`).join(', ')} concurrent; reserved in the stage sums to ${reserved}, so the account quota must be at least ${needed} (context accountConcurrency checks it at synth).`,
);
out.push(
  '',
  '¥ per 1,000 (Beijing list prices; * = not confirmed on a primary page, see bin/capacity/sources.ts):',
);
out.push(
  '| flow | ¥ / 1,000 | Lambda | API Gateway | WAF | DynamoDB | KMS | SMS |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
);
const y = (n = 0) => n.toFixed(n < 0.1 ? 4 : 2);
for (const c of costs) {
  out.push(
    `| ${c.flow} | ${y(c.yuan)}${c.unverified ? '*' : ''} | ${y(c.parts.lambda)} | ${y(c.parts.apiGateway)} | ${y(c.parts.waf)} | ${y(c.parts.dynamodb)} | ${y(c.parts.kms)} | ${y(c.parts.sms)} |`,
  );
}
out.push('', 'Sources:');
for (const [name, c] of Object.entries({ ...quotas, ...prices })) {
  out.push(`  ${name}${c.checked ? '' : '*'}: ${c.value} ${c.unit} — ${c.source} (read ${c.read})`);
}
process.stdout.write(`${out.join('\n')}\n`);
const failing = verdicts.filter((v) => !v.holds);
if (failing.length > 0) {
  console.error(
    `\n${failing.length} flow(s) below their design rate: ${failing.map((f) => `${f.flow} (${f.bottleneck.layer})`).join(', ')}`,
  );
  process.exit(1);
}
