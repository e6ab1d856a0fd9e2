import { existsSync, readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { stageConfig } from '../functions/core/config';
import { routeList, streamWorkers } from '../functions/system/route-table';
import { functionNames, quotaNeeded } from '../lib/concurrency';
import { assertAllowedRegion, parseAllowedRegions } from '../lib/residency';
import { deployContext } from './app';
import { type Check, preflight, sdkClients } from './ops/preflight';

/**
 * `npm run preflight -- --profile <p> [-c name=value ...]`: read-only checks of an AWS China
 * account before the first `cdk deploy`. Reads the same context the CDK app does (cdk.json,
 * cdk.context.json, then -c flags). Exits 1 when a check fails.
 */
const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const context: Record<string, unknown> = {};
for (const file of ['cdk.json', 'cdk.context.json']) {
  if (!existsSync(file)) continue;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  Object.assign(context, file === 'cdk.json' ? json.context : json);
}
args.forEach((arg, i) => {
  if (arg !== '-c' && arg !== '--context') return;
  const [name, ...value] = (args[i + 1] ?? '').split('=');
  if (name) context[name] = value.join('=');
});

try {
  const app = new App({ context });
  const allowed = parseAllowedRegions(app.node.tryGetContext('allowedRegions'));
  const region = assertAllowedRegion(app.node.tryGetContext('region') as string | undefined, allowed);
  const copyRegion = allowed.find((r) => r !== region) ?? region;
  const stage = String(app.node.tryGetContext('stage') ?? 'prod');
  const config = stageConfig(stage);
  const names = functionNames({
    groups: new Set(routeList.map((r) => r.group)),
    streamWorkerGroups: streamWorkers().map((w) => w.group),
  });
  const deploy = deployContext(app);
  const checks = await preflight(sdkClients(option('profile')), {
    profile: option('profile'),
    region,
    copyRegion,
    stage,
    concurrency: quotaNeeded(config, names),
    apiDomain: deploy.apiDomain,
    hospitalDomain: deploy.hospital?.domain,
    hospitalCidrs: deploy.hospital?.allowedCidrs ?? [],
    now: new Date(),
  });
  for (const line of report(checks)) process.stdout.write(`${line}\n`);
  process.exit(checks.some((c) => c.outcome === 'fail') ? 1 : 0);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

function report(checks: readonly Check[]): string[] {
  const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;
  return checks.flatMap((c) => [
    `${mark[c.outcome]} ${c.name}: ${c.detail}`,
    ...(c.fix ? [`       -> ${c.fix}`] : []),
  ]);
}
