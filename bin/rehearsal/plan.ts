import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FilterPattern } from '../../functions/store/stream-records';

/**
 * What a synthesized stack says runs where, read from its templates the way CloudFormation and
 * API Gateway would: functions (built asset, handler, environment, timeout, role policies),
 * the REST API's routes and authorizer, event source mappings with their filters, rules and
 * their targets, and the KMS key policies. Deploy-time values (Ref, GetAtt, ImportValue, Join,
 * Sub) resolve to concrete ARNs and names in a rehearsal account.
 */

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates, read field by field
type Json = any;

export const REHEARSAL_ACCOUNT = '111122223333';

export interface PlannedFunction {
  readonly id: string;
  readonly assetDir: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly roleArn: string;
  /** Every statement of every policy attached to the function's role. */
  readonly statements: readonly Json[];
}

export interface PlannedRoute {
  readonly method: string;
  readonly path: string;
  readonly functionId: string;
  readonly authorized: boolean;
}

export interface Plan {
  readonly region: string;
  readonly tableName: string;
  readonly functions: ReadonlyMap<string, PlannedFunction>;
  readonly routes: readonly PlannedRoute[];
  readonly authorizerId: string;
  readonly streams: ReadonlyArray<{
    readonly functionId: string;
    readonly filters: readonly FilterPattern[];
  }>;
  /** Queue ARN -> the function its mapping invokes. */
  readonly queueConsumers: ReadonlyMap<string, string>;
  /** Queue URL -> ARN, for the queues functions send to. */
  readonly queueArns: ReadonlyMap<string, string>;
  readonly busRules: ReadonlyArray<{ readonly pattern: Json; readonly queueArn: string }>;
  readonly schedules: ReadonlyArray<{ readonly functionId: string; readonly input: Json }>;
  /** Key ARN -> its key policy (every stack's keys, the other region's included). */
  readonly keyPolicies: ReadonlyMap<string, Json>;
  /** Alias ARN -> the key ARN it names, in either region (what KMS resolves a KeyId alias to). */
  readonly aliases: ReadonlyMap<string, string>;
  readonly tableArn: string;
  readonly streamArn: string;
  readonly storageKeyArn: string;
}

interface Stack {
  readonly name: string;
  readonly template: Json;
  readonly region: string;
}

const uuidFor = (id: string) => {
  const hex = Buffer.from(id).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/** Reads the stacks of a cloud assembly and resolves what their resources are. */
export function readPlan(
  outdir: string,
  stackNames: { api: string; data: string; copies?: { name: string; region: string } | undefined },
  options: { tableName: string; region: string },
): Plan {
  const { tableName, region } = options;
  const load = (name: string, stackRegion = region): Stack => ({
    name,
    region: stackRegion,
    template: JSON.parse(readFileSync(join(outdir, `${name}.template.json`), 'utf8')),
  });
  const api = load(stackNames.api);
  const data = load(stackNames.data);
  // The other region's stack: its keys are named by alias from this region's functions.
  const copies = stackNames.copies ? load(stackNames.copies.name, stackNames.copies.region) : undefined;
  const partition = 'aws-cn';
  const account = REHEARSAL_ACCOUNT;
  const regionalArn = (stackRegion: string) => (service: string, resource: string) =>
    `arn:${partition}:${service}:${stackRegion}:${account}:${resource}`;
  const arn = regionalArn(region);

  /** A resource's Ref and attributes, by its type, in the rehearsal account. */
  const attributes = (stack: Stack, id: string): Record<string, string> => {
    const resource = stack.template.Resources[id];
    if (!resource) throw new Error(`${stack.name} has no resource ${id}`);
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable': {
        const tableArn = arn('dynamodb', `table/${tableName}`);
        return { Ref: tableName, Arn: tableArn, StreamArn: `${tableArn}/stream/rehearsal` };
      }
      case 'AWS::KMS::Key':
        return { Ref: uuidFor(id), Arn: regionalArn(stack.region)('kms', `key/${uuidFor(id)}`) };
      case 'AWS::SecretsManager::Secret': {
        const secretArn = arn('secretsmanager', `secret:${id}-AbCdEf`);
        return { Ref: secretArn, Arn: secretArn };
      }
      case 'AWS::SQS::Queue': {
        const name = id.toLowerCase();
        return {
          Ref: `https://sqs.${region}.amazonaws.com.cn/${account}/${name}`,
          Arn: arn('sqs', name),
          QueueName: name,
          QueueUrl: `https://sqs.${region}.amazonaws.com.cn/${account}/${name}`,
        };
      }
      case 'AWS::Events::EventBus':
        return {
          Ref: id.toLowerCase(),
          Name: id.toLowerCase(),
          Arn: arn('events', `event-bus/${id.toLowerCase()}`),
        };
      case 'AWS::Lambda::Function':
        return { Ref: id, Arn: arn('lambda', `function:${id}`) };
      case 'AWS::Lambda::Alias':
        return { Ref: arn('lambda', `function:${resource.Properties.FunctionName.Ref}:live`) };
      case 'AWS::IAM::Role':
        return { Ref: id, Arn: `arn:${partition}:iam::${account}:role/${id}` };
      case 'AWS::Logs::LogGroup': {
        const name = resource.Properties.LogGroupName ?? `/rehearsal/${id}`;
        return { Ref: name, Arn: arn('logs', `log-group:${name}:*`) };
      }
      case 'AWS::Backup::BackupVault': {
        const name = resource.Properties.BackupVaultName ?? id.toLowerCase();
        const vaultArn = regionalArn(stack.region)('backup', `backup-vault:${name}`);
        return { Ref: name, BackupVaultName: name, BackupVaultArn: vaultArn, Arn: vaultArn };
      }
      case 'AWS::SNS::Topic':
        return { Ref: arn('sns', id), TopicArn: arn('sns', id) };
      default:
        return { Ref: id, Arn: arn('unknown', id) };
    }
  };

  const resolve = (stack: Stack, value: Json): Json => {
    if (Array.isArray(value)) return value.map((v) => resolve(stack, v));
    if (!value || typeof value !== 'object') return value;
    if ('Ref' in value) {
      const pseudo: Record<string, string> = {
        'AWS::Partition': partition,
        'AWS::Region': stack.region,
        'AWS::AccountId': account,
        'AWS::URLSuffix': 'amazonaws.com.cn',
        'AWS::StackName': stack.name,
      };
      return pseudo[value.Ref] ?? attributes(stack, value.Ref).Ref;
    }
    if ('Fn::GetAtt' in value) {
      const [id, attribute] = value['Fn::GetAtt'] as [string, string];
      const found = attributes(stack, id)[attribute];
      if (found === undefined) throw new Error(`no ${attribute} of ${id}`);
      return found;
    }
    if ('Fn::ImportValue' in value) {
      const exportName = resolve(stack, value['Fn::ImportValue']);
      const output = Object.values(data.template.Outputs ?? {}).find(
        (o: Json) => resolve(data, o.Export?.Name) === exportName,
      ) as Json;
      if (!output) throw new Error(`no export ${exportName}`);
      return resolve(data, output.Value);
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'];
      return (resolve(stack, parts) as string[]).join(separator);
    }
    if ('Fn::Sub' in value) {
      const [text, vars] = Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'] : [value['Fn::Sub'], {}];
      return String(text).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (vars[name] !== undefined) return resolve(stack, vars[name]);
        const [id, attribute] = name.split('.');
        return attribute ? resolve(stack, { 'Fn::GetAtt': [id, attribute] }) : resolve(stack, { Ref: id });
      });
    }
    if ('Fn::Select' in value) {
      const [index, list] = value['Fn::Select'];
      return (resolve(stack, list) as string[])[Number(index)];
    }
    if ('Fn::Split' in value) {
      const [separator, text] = value['Fn::Split'];
      return String(resolve(stack, text)).split(separator);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(stack, v)]));
  };

  const resources = Object.entries(api.template.Resources as Record<string, Json>);
  const byType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const functionIds = new Set(byType('AWS::Lambda::Function').map(([id]) => id));
  /** The function an intrinsic names, directly or through its `live` alias. */
  const functionIn = (value: Json): string => {
    const text = JSON.stringify(value);
    for (const id of functionIds) if (text.includes(`"${id}"`)) return id;
    for (const [aliasId, alias] of byType('AWS::Lambda::Alias'))
      if (text.includes(`"${aliasId}"`)) return alias.Properties.FunctionName.Ref;
    throw new Error(`no function in ${text.slice(0, 200)}`);
  };

  const policiesOf = (roleId: string): Json[] =>
    [...byType('AWS::IAM::Policy'), ...byType('AWS::IAM::ManagedPolicy')]
      .filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(`"${roleId}"`))
      .flatMap(([, p]) => resolve(api, p.Properties.PolicyDocument).Statement as Json[]);

  const functions = new Map<string, PlannedFunction>();
  for (const [id, fn] of byType('AWS::Lambda::Function')) {
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const role = api.template.Resources[roleId];
    const managedArns = resolve(api, role.Properties.ManagedPolicyArns ?? []) as string[];
    if (managedArns.some((a) => !a.includes(':policy/') || a.includes(':aws:policy/')))
      throw new Error(`${id}'s role has an AWS managed policy, which the rehearsal cannot read`);
    functions.set(id, {
      id,
      assetDir: join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`),
      handler: fn.Properties.Handler,
      timeoutSeconds: Number(fn.Properties.Timeout ?? 3),
      memoryMb: Number(fn.Properties.MemorySize ?? 128),
      environment: resolve(api, fn.Properties.Environment?.Variables ?? {}),
      roleArn: attributes(api, roleId).Arn as string,
      statements: policiesOf(roleId),
    });
  }

  // The REST API's resource tree, methods and their integrations.
  const pathOf = (resourceId: string): string => {
    const r = api.template.Resources[resourceId];
    if (r?.Type !== 'AWS::ApiGateway::Resource') return '';
    const parent = r.Properties.ParentId;
    return `${parent.Ref ? pathOf(parent.Ref) : ''}/${r.Properties.PathPart}`;
  };
  const routes: PlannedRoute[] = byType('AWS::ApiGateway::Method').map(([, m]) => ({
    method: m.Properties.HttpMethod,
    path: m.Properties.ResourceId.Ref ? pathOf(m.Properties.ResourceId.Ref) : '/',
    functionId: functionIn(m.Properties.Integration.Uri),
    authorized: m.Properties.AuthorizationType === 'CUSTOM',
  }));
  const [authorizer] = byType('AWS::ApiGateway::Authorizer');
  if (!authorizer) throw new Error('the API has no authorizer');

  const tableArn = resolve(data, { 'Fn::GetAtt': [findTable(data), 'Arn'] }) as string;
  const streamArn = `${tableArn}/stream/rehearsal`;
  const streams: Plan['streams'][number][] = [];
  const queueConsumers = new Map<string, string>();
  for (const [, mapping] of byType('AWS::Lambda::EventSourceMapping')) {
    const source = resolve(api, mapping.Properties.EventSourceArn) as string;
    const functionId = functionIn(mapping.Properties.FunctionName);
    if (source === streamArn) {
      const filters = (mapping.Properties.FilterCriteria?.Filters ?? []).map(
        (f: Json) => JSON.parse(f.Pattern) as FilterPattern,
      );
      streams.push({ functionId, filters });
    } else queueConsumers.set(source, functionId);
  }
  const queueArns = new Map<string, string>();
  for (const [id] of byType('AWS::SQS::Queue')) {
    const a = attributes(api, id);
    queueArns.set(a.QueueUrl as string, a.Arn as string);
  }
  const busRules: Plan['busRules'][number][] = [];
  const schedules: Plan['schedules'][number][] = [];
  for (const [, rule] of byType('AWS::Events::Rule')) {
    for (const target of rule.Properties.Targets ?? []) {
      const targetArn = resolve(api, target.Arn) as string;
      if (rule.Properties.ScheduleExpression) {
        schedules.push({ functionId: functionIn(target.Arn), input: JSON.parse(target.Input ?? '{}') });
      } else busRules.push({ pattern: rule.Properties.EventPattern, queueArn: targetArn });
    }
  }
  const keyPolicies = new Map<string, Json>();
  const aliases = new Map<string, string>();
  for (const stack of [data, api, ...(copies ? [copies] : [])]) {
    for (const [id, r] of Object.entries(stack.template.Resources as Record<string, Json>)) {
      if (r.Type === 'AWS::KMS::Key')
        keyPolicies.set(attributes(stack, id).Arn as string, resolve(stack, r.Properties.KeyPolicy));
      if (r.Type === 'AWS::KMS::Alias') {
        const keyId = resolve(stack, r.Properties.TargetKeyId) as string;
        const keyArn = keyId.startsWith('arn:') ? keyId : regionalArn(stack.region)('kms', `key/${keyId}`);
        aliases.set(regionalArn(stack.region)('kms', r.Properties.AliasName), keyArn);
      }
    }
  }
  const storageKeyId = Object.keys(data.template.Resources).find(
    (id) => data.template.Resources[id].Type === 'AWS::KMS::Key' && /Storage/i.test(id),
  );
  if (!storageKeyId) throw new Error('no storage key in the data stack');
  return {
    region,
    tableName,
    functions,
    routes,
    authorizerId: functionIn(authorizer[1].Properties.AuthorizerUri),
    streams,
    queueConsumers,
    queueArns,
    busRules,
    schedules,
    keyPolicies,
    aliases,
    tableArn,
    streamArn,
    storageKeyArn: attributes(data, storageKeyId).Arn as string,
  };
}

function findTable(stack: Stack): string {
  const id = Object.keys(stack.template.Resources).find((k) =>
    /^AWS::DynamoDB::(Global)?Table$/.test(stack.template.Resources[k].Type),
  );
  if (!id) throw new Error(`${stack.name} has no table`);
  return id;
}
