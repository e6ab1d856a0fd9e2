import type { StageConfig } from '../../functions/core/config';
import { routeList } from '../../functions/system/route-table';
import { kebab } from '../../lib/names';
import { AUTHORIZER_DURATION_MS, durationMs, type Flow, RUSH } from './rush';
import { type Cited, prices, quotas } from './sources';

type Resource = { Type: string; Properties?: Record<string, unknown> };
export type Template = { Resources: Record<string, Resource> };

/** One layer's ceiling for a flow, in requests per second. */
export interface Ceiling {
  readonly layer: string;
  readonly perSecond: number;
  readonly how: string;
  readonly unverified?: boolean;
}

export interface FlowVerdict {
  readonly flow: string;
  readonly design: number;
  readonly ceilings: readonly Ceiling[];
  readonly bottleneck: Ceiling;
  readonly holds: boolean;
}

const resources = (templates: readonly Template[], type: string) =>
  templates.flatMap((t) => Object.values(t.Resources).filter((r) => r.Type === type));

/** The stage's throttles as the template sets them: the default and per route path. */
function stageThrottles(templates: readonly Template[]) {
  const stage = resources(templates, 'AWS::ApiGateway::Stage')[0];
  const settings = (stage?.Properties?.MethodSettings ?? []) as Array<{
    ResourcePath: string;
    HttpMethod: string;
    ThrottlingRateLimit?: number;
  }>;
  const byPath = new Map<string, number>();
  let stageRate = Number.POSITIVE_INFINITY;
  for (const s of settings) {
    if (s.ThrottlingRateLimit === undefined) continue;
    if (s.ResourcePath === '/*' && s.HttpMethod === '*') stageRate = s.ThrottlingRateLimit;
    else byPath.set(`${s.HttpMethod} ${s.ResourcePath.replaceAll('~1', '/')}`, s.ThrottlingRateLimit);
  }
  return { stageRate, byPath };
}

/** WAF rate rules: limit per IP per window, by the path regex they scope down to. */
function wafRules(templates: readonly Template[]) {
  const rules: Array<{ name: string; limit: number; window: number; regex: string }> = [];
  for (const acl of resources(templates, 'AWS::WAFv2::WebACL')) {
    type RateRule = {
      Limit: number;
      EvaluationWindowSec?: number;
      ScopeDownStatement?: { RegexMatchStatement?: { RegexString?: string } };
    };
    for (const rule of (acl.Properties?.Rules ?? []) as Array<{
      Name: string;
      Statement: { RateBasedStatement?: RateRule };
    }>) {
      const rate = rule.Statement.RateBasedStatement;
      if (!rate) continue;
      const regex = String(rate.ScopeDownStatement?.RegexMatchStatement?.RegexString ?? '');
      rules.push({ name: rule.Name, limit: rate.Limit, window: rate.EvaluationWindowSec ?? 300, regex });
    }
  }
  return rules;
}

function functionsByName(templates: readonly Template[]) {
  const found = new Map<string, { reserved: number | undefined; memoryMb: number }>();
  for (const fn of resources(templates, 'AWS::Lambda::Function')) {
    const name = fn.Properties?.FunctionName;
    if (typeof name !== 'string') continue;
    found.set(name, {
      reserved: fn.Properties?.ReservedConcurrentExecutions as number | undefined,
      memoryMb: Number(fn.Properties?.MemorySize ?? 128),
    });
  }
  return found;
}

function tableWarmth(templates: readonly Template[]) {
  const table = resources(templates, 'AWS::DynamoDB::Table')[0];
  const warm = table?.Properties?.WarmThroughput as
    | { WriteUnitsPerSecond?: number; ReadUnitsPerSecond?: number }
    | undefined;
  return {
    writes: warm?.WriteUnitsPerSecond ?? quotas.dynamoOnDemandInitialWru.value,
    reads: warm?.ReadUnitsPerSecond ?? quotas.dynamoOnDemandInitialRru.value,
    warmed: warm !== undefined,
  };
}

const mark = (c: Cited) => (c.checked ? '' : '*');

/**
 * Each flow's ceiling at every layer the stack sets or the region imposes, from the synthesized
 * templates: shared layers (stage, account, table, KMS) split by the design mix, functions by the
 * load their routes put on them.
 */
export function checkCapacity(
  config: StageConfig,
  templates: readonly Template[],
  flows: readonly Flow[],
): {
  verdicts: FlowVerdict[];
  functions: Array<{ name: string; needed: number; reserved: number | undefined }>;
} {
  const { stageRate, byPath } = stageThrottles(templates);
  const rules = wafRules(templates);
  const fns = functionsByName(templates);
  const warmth = tableWarmth(templates);
  const total = flows.reduce((sum, f) => sum + f.rate, 0);
  const fnName = (construct: string) => `patient-onboarding-${config.stage}-${kebab(construct)}`;

  // Concurrency each function needs for the rush: rate × duration of what it serves.
  const needed = new Map<string, number>();
  const add = (construct: string, amount: number) =>
    needed.set(construct, (needed.get(construct) ?? 0) + amount);
  for (const flow of flows) {
    for (const route of flow.routes) add(route.fn, flow.rate * route.share * (durationMs(flow) / 1000));
    if (flow.authorized) add('Authorizer', flow.rate * (AUTHORIZER_DURATION_MS / 1000));
  }
  const unreservedPool = Number.POSITIVE_INFINITY;
  const fnCeilingRatio = (construct: string) => {
    const reserved = fns.get(fnName(construct))?.reserved ?? unreservedPool;
    return reserved / (needed.get(construct) ?? 1);
  };

  const sumWrites = flows.reduce((s, f) => s + f.rate * f.cost.writeUnits, 0);
  const sumReads = flows.reduce((s, f) => s + f.rate * f.cost.readUnits, 0);
  const sumKms = flows.reduce((s, f) => s + f.rate * f.cost.kmsSymmetric, 0);

  const verdicts = flows.map((flow): FlowVerdict => {
    const ceilings: Ceiling[] = [];
    const apiAccount = quotas.apiGatewayAccountRps;
    ceilings.push({
      layer: 'API Gateway account quota',
      perSecond: flow.rate * (apiAccount.value / total),
      how: `${apiAccount.value}/s shared by the rush's ${total}/s`,
    });
    ceilings.push({
      layer: 'stage throttle',
      perSecond: flow.rate * (stageRate / total),
      how: `${stageRate}/s shared by ${total}/s`,
    });
    for (const route of flow.routes) {
      const definition = routeList.find((r) => r.id === route.id);
      const limit = definition ? byPath.get(`${definition.method} ${definition.path}`) : undefined;
      if (limit !== undefined)
        ceilings.push({
          layer: `route throttle ${route.id}`,
          perSecond: limit / route.share,
          how: `${limit}/s`,
        });
      const rule = definition ? rules.find((r) => new RegExp(r.regex).test(definition.path)) : undefined;
      if (rule) {
        // Behind one shared address: its share of the flow over the rule's window.
        const perAddress = (flow.rate * route.share * RUSH.shareBehindShared) / RUSH.sharedAddresses;
        ceilings.push({
          layer: `WAF ${rule.name}`,
          perSecond: (flow.rate * rule.limit) / (perAddress * rule.window),
          how: `${rule.limit} per IP per ${rule.window} s; one of ${RUSH.sharedAddresses} shared addresses sends ${Math.round(perAddress * rule.window)}`,
        });
      }
      const reserved = fns.get(fnName(route.fn))?.reserved;
      ceilings.push({
        layer: `Lambda ${route.fn}`,
        perSecond: flow.rate * fnCeilingRatio(route.fn),
        how: `${reserved ?? 'unreserved'} reserved; needs ${Math.ceil(needed.get(route.fn) ?? 0)} at ${Math.round(durationMs(flow))} ms a request`,
      });
    }
    if (flow.authorized) {
      ceilings.push({
        layer: 'Lambda Authorizer',
        perSecond: flow.rate * fnCeilingRatio('Authorizer'),
        how: `${fns.get(fnName('Authorizer'))?.reserved ?? 'unreserved'} reserved; needs ${Math.ceil(needed.get('Authorizer') ?? 0)} at ${AUTHORIZER_DURATION_MS} ms (uncached: every request)`,
      });
    }
    if (flow.cost.writeUnits > 0)
      ceilings.push({
        layer: 'DynamoDB table writes',
        perSecond: flow.rate * (warmth.writes / sumWrites),
        how: `${warmth.writes} WRU/s ${warmth.warmed ? 'warm throughput' : 'a new on-demand table'}; the rush writes ${Math.round(sumWrites)}`,
      });
    if (flow.cost.readUnits > 0)
      ceilings.push({
        layer: 'DynamoDB table reads',
        perSecond: flow.rate * (warmth.reads / sumReads),
        how: `${warmth.reads} RRU/s ${warmth.warmed ? 'warm throughput' : 'a new on-demand table'}; the rush reads ${Math.round(sumReads)}`,
      });
    if (flow.cost.hottestWritesPerRequest > 0)
      ceilings.push({
        layer: 'DynamoDB hottest partition',
        perSecond: quotas.dynamoPartitionWcu.value / flow.cost.hottestWritesPerRequest,
        how: `${quotas.dynamoPartitionWcu.value} WCU/s; ${flow.cost.hottestWritesPerRequest} writes of one key a request`,
      });
    if (flow.cost.kmsSymmetric > 0)
      ceilings.push({
        layer: 'KMS symmetric',
        perSecond: flow.rate * (quotas.kmsSymmetricRps.value / sumKms),
        how: `${quotas.kmsSymmetricRps.value}/s; the rush asks ${Math.round(sumKms)} (data keys cached)`,
      });
    for (const provider of flow.providers) {
      const quota = quotas[provider.quota];
      ceilings.push({
        layer: `provider ${provider.quota}${mark(quota)}`,
        perSecond: quota.value / provider.perRequest,
        how: `${quota.value} ${quota.unit}`,
        ...(quota.checked ? {} : { unverified: true }),
      });
    }
    const bottleneck = ceilings.reduce((low, c) => (c.perSecond < low.perSecond ? c : low));
    return {
      flow: flow.name,
      design: flow.rate,
      ceilings,
      bottleneck,
      holds: bottleneck.perSecond >= flow.rate,
    };
  });
  const functions = [...needed].map(([name, need]) => ({
    name,
    needed: Math.ceil(need),
    reserved: fns.get(fnName(name))?.reserved,
  }));
  return { verdicts, functions };
}

/** Yuan per 1,000 of each flow a person makes, from the metered calls and the Beijing list prices. */
export function costPerThousand(
  templates: readonly Template[],
  config: StageConfig,
  flows: readonly Flow[],
  loginVerify: Flow,
): Array<{ flow: string; yuan: number; parts: Record<string, number>; unverified: boolean }> {
  const fns = functionsByName(templates);
  const memoryGb = (construct: string) =>
    (fns.get(`patient-onboarding-${config.stage}-${kebab(construct)}`)?.memoryMb ?? 512) / 1024;
  const byId = new Map(flows.map((f) => [f.id, f]));
  const requestCost = (flow: Flow) => {
    const fn = flow.routes[0]?.fn ?? 'Auth';
    const gbSeconds =
      memoryGb(fn) * (durationMs(flow) / 1000) +
      (flow.authorized ? memoryGb('Authorizer') * (AUTHORIZER_DURATION_MS / 1000) : 0);
    const invocations = flow.authorized ? 2 : 1;
    return {
      lambda:
        (invocations * prices.lambdaRequestsPerMillion.value) / 1e6 + gbSeconds * prices.lambdaGbSecond.value,
      apiGateway: prices.apiGatewayRestPerMillion.value / 1e6,
      waf: prices.wafRequestsPerMillion.value / 1e6,
      dynamodb:
        (flow.cost.writeUnits * prices.dynamoWriteUnitsPerMillion.value +
          flow.cost.readUnits * prices.dynamoReadUnitsPerMillion.value) /
        1e6,
      kms: (flow.cost.kmsSymmetric * prices.kmsPer10kRequests.value) / 1e4,
      sms: flow.smsPerRequest * prices.smsPerMessage.value,
    };
  };
  const journeys: Array<[string, Flow[]]> = [
    ['registration (send + verify)', [byId.get('send'), byId.get('verify')].filter(Boolean) as Flow[]],
    ['login (send + verify)', [byId.get('send'), loginVerify].filter(Boolean) as Flow[]],
    ['refresh', [byId.get('refresh')].filter(Boolean) as Flow[]],
    ['card creation', [byId.get('cards')].filter(Boolean) as Flow[]],
  ];
  const unverified = Object.values(prices).some((p) => !p.checked);
  return journeys.map(([name, steps]) => {
    const parts: Record<string, number> = {};
    for (const step of steps) {
      for (const [k, v] of Object.entries(requestCost(step))) parts[k] = (parts[k] ?? 0) + v * 1000;
    }
    const yuan = Object.values(parts).reduce((a, b) => a + b, 0);
    return { flow: name, yuan, parts, unverified };
  });
}
