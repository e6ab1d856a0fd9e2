import { readFileSync } from 'node:fs';
import { App, Aspects, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { stageConfig } from '../functions/core/config';
import { CHINA_CERTIFICATE_ARN, DOMAIN_NAME } from '../functions/core/deployment';
import { authorizerFunction, fallbackRoute, routeList, workers } from '../functions/system/route-table';
import { ApiStack, type ApiStackProps } from '../lib/api-stack';
import { BackupCopyStack } from '../lib/backup-copy-stack';
import { DataStack } from '../lib/data-stack';
import { assertAllowedRegion, parseAllowedRegions, ResidencyChecker } from '../lib/residency';
import { loadDeploymentFile } from './ops/deployment-file';

const FEATURE_FLAGS = {
  // Lock in today's producer-protecting cross-stack references (CDK asks for an explicit choice).
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

/**
 * The CDK app. Reads context (`region`, `stage`, `allowedRegions`) here and nowhere else, refuses a
 * region outside the allow-list before building anything, and runs the residency and cdk-nag
 * checks on every synth.
 */
export function buildApp(app: App = new App()): {
  app: App;
  data: DataStack;
  api: ApiStack;
  copies: BackupCopyStack;
} {
  for (const [flag, value] of Object.entries(FEATURE_FLAGS)) {
    if (app.node.tryGetContext(flag) === undefined) app.node.setContext(flag, value);
  }
  const allowed = parseAllowedRegions(app.node.tryGetContext('allowedRegions'));
  const region = assertAllowedRegion(app.node.tryGetContext('region') as string | undefined, allowed);
  const stage = String(app.node.tryGetContext('stage') ?? 'prod');
  const config = { ...stageConfig(stage), allowedRegions: allowed };
  const version = (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region };
  const context = deployContext(app);

  // Backups are copied to the other allowed region (cn-north-1 <-> cn-northwest-1), whose stack
  // also holds that region's keys. In a fail-over (context `failover`) the home region is down and
  // this region's standby stack, already deployed here, is the one built on.
  const { failover, restoredTable } = recoveryContext(app);
  if (restoredTable && !restoredTable.streamArn.includes(`:dynamodb:${region}:`))
    throw new Error(`context tableStream is not in ${region}, the deploy region`);
  const copyRegion = failover ? region : allowed.find((r) => r !== region);
  if (!copyRegion) throw new Error('A second allowed region is needed for backup copies');
  const vaultName = `patient-onboarding-${stage}-copies`;
  const copies = new BackupCopyStack(app, `PatientOnboarding-${stage}-BackupCopy`, {
    env: { ...env, region: copyRegion },
    vaultName,
    retentionDays: config.backupRetentionDays,
    stage,
  });
  const data = new DataStack(app, `PatientOnboarding-${stage}-Data`, {
    env,
    stage,
    backupRetentionDays: config.backupRetentionDays,
    signingKeyGenerations: signingKeyGenerations(app),
    standby: copies,
    standbyHere: failover,
    restoredTable,
    warmThroughput: config.warmThroughput,
  });
  data.addStackDependency(copies);
  const api = new ApiStack(app, `PatientOnboarding-${stage}-Api`, {
    env,
    config,
    version,
    release: String(app.node.tryGetContext('release') ?? version),
    routes: routeList,
    fallback: fallbackRoute,
    authorizer: authorizerFunction,
    workers,
    table: data.table,
    dataKey: data.dataKey,
    storageKey: data.storageKey,
    appSecret: data.appSecret,
    signingKey: data.signingKey,
    trustedSigningKeys: data.trustedSigningKeys,
    peer: data.peer,
    providerSecret: data.providerSecret,
    restore: { vault: data.backupVault, role: data.restoreRole, scratchTables: data.scratchTables },
    ...context,
  });
  api.addStackDependency(data);

  Aspects.of(app).add(new ResidencyChecker(allowed));
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true }),
    new HIPAASecurityChecks(app, { verbose: true }),
    new NIST80053R5Checks(app, { verbose: true }),
  );
  return { app, data, api, copies };
}

/**
 * Context for a restore (`table`, `tableStream`: the restored table `npm run dr:restore` prints)
 * and a fail-over (`failover=true`: this region takes over while the other is down; it needs the
 * restored table, since a new empty one would be no recovery).
 */
export function recoveryContext(app: App): {
  failover: boolean;
  restoredTable: { tableName: string; streamArn: string } | undefined;
} {
  const value = (name: string) => {
    const v = app.node.tryGetContext(name) as unknown;
    return v === undefined || v === null || v === '' ? undefined : String(v).trim();
  };
  const failoverText = value('failover');
  if (failoverText !== undefined && failoverText !== 'true' && failoverText !== 'false')
    throw new Error(`context failover must be true or false, got ${failoverText}`);
  const failover = failoverText === 'true';
  const tableName = value('table');
  const streamArn = value('tableStream');
  if (tableName !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(tableName))
    throw new Error(`context table is not a DynamoDB table name: ${tableName}`);
  if (
    streamArn !== undefined &&
    !/^arn:aws-cn:dynamodb:cn-(north|northwest)-1:\d{12}:table\/[A-Za-z0-9_.-]{3,255}\/stream\/\S+$/.test(
      streamArn,
    )
  )
    throw new Error(`context tableStream is not a DynamoDB stream ARN in a China region: ${streamArn}`);
  if ((tableName === undefined) !== (streamArn === undefined))
    throw new Error('context table and tableStream go together (npm run dr:restore prints both)');
  if (tableName && streamArn && !streamArn.includes(`:table/${tableName}/stream/`))
    throw new Error(`context tableStream is not the stream of table ${tableName}`);
  if (failover && !tableName)
    throw new Error(
      'context failover needs the restored table: -c table=<name> -c tableStream=<arn> (npm run dr:restore)',
    );
  return { failover, restoredTable: tableName && streamArn ? { tableName, streamArn } : undefined };
}

/**
 * Context `signingKeyGenerations`: the token-signing key generations in use, oldest first, whole
 * numbers from 1 without repeats ("1,2" during a rotation, "2" once 1 is retired). Default "1".
 */
export function signingKeyGenerations(app: App): number[] {
  const value = app.node.tryGetContext('signingKeyGenerations') as unknown;
  const text = value === undefined || value === null || value === '' ? '1' : String(value);
  const generations = text.split(',').map((g) => g.trim());
  const numbers = generations.map(Number);
  if (
    generations.some((g) => !/^[1-9]\d{0,2}$/.test(g)) ||
    numbers.some((n, i) => i > 0 && n <= (numbers[i - 1] as number))
  )
    throw new Error(
      `context signingKeyGenerations must be increasing whole numbers from 1, like "1,2"; got ${text}`,
    );
  return numbers;
}

/**
 * The account- and domain-specific context (`cdk deploy -c name=value` or cdk.context.json). All
 * optional: without them synth yields a test deploy on the default execute-api endpoint.
 */
export function deployContext(
  app: App,
): Pick<ApiStackProps, 'apiDomain' | 'hospital' | 'accountConcurrency' | 'alarmSubscriptions'> {
  const text = (name: string): string | undefined => {
    const value = app.node.tryGetContext(name) as unknown;
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(`context ${name} must be a string, got ${JSON.stringify(value)}`);
    return String(value).trim();
  };
  const domain = (nameKey: string, certificateKey: string) => {
    const name = text(nameKey);
    const certificateArn = text(certificateKey);
    if (!name && !certificateArn) return undefined;
    if (!name || !certificateArn) throw new Error(`context ${nameKey} and ${certificateKey} go together`);
    if (!DOMAIN_NAME.test(name)) throw new Error(`context ${nameKey} is not a domain name: ${name}`);
    if (!CHINA_CERTIFICATE_ARN.test(certificateArn))
      throw new Error(
        `context ${certificateKey} is not an ACM certificate ARN in a China region: ${certificateArn}`,
      );
    return { name, certificateArn };
  };
  // Context `deployment` (a name under deploy/ or a path): the site's file, checked here so a
  // synth or a preflight fails on it, naming the field; its domains are the stack's.
  const deploymentName = text('deployment');
  const site = deploymentName
    ? loadDeploymentFile(deploymentName, { stage: String(app.node.tryGetContext('stage') ?? 'prod') })
    : undefined;
  const fromSite = (key: 'api' | 'hospital', nameKey: string, certificateKey: string) => {
    const inContext = domain(nameKey, certificateKey);
    const inFile = site?.domains?.[key];
    if (inContext && inFile)
      throw new Error(`the ${key} domain is set in ${deploymentName} and in context ${nameKey}: keep one`);
    return inFile ?? inContext;
  };
  const apiDomain = fromSite('api', 'apiDomain', 'apiCertificateArn');
  const hospitalDomain = fromSite('hospital', 'hospitalDomain', 'hospitalCertificateArn');
  const truststoreUri = text('hospitalTruststoreUri');
  if (truststoreUri && !hospitalDomain) throw new Error('context hospitalTruststoreUri needs hospitalDomain');
  if (truststoreUri && !/^s3:\/\/[a-z0-9.-]{3,63}\/.+/.test(truststoreUri))
    throw new Error(`context hospitalTruststoreUri must be s3://bucket/key, got ${truststoreUri}`);
  const truststoreVersion = text('hospitalTruststoreVersion');
  if (truststoreVersion && !truststoreUri)
    throw new Error('context hospitalTruststoreVersion needs hospitalTruststoreUri');
  const ownershipCertificateArn = text('hospitalOwnershipCertificateArn');
  if (ownershipCertificateArn && !truststoreUri)
    throw new Error('context hospitalOwnershipCertificateArn needs hospitalTruststoreUri (mutual TLS)');
  if (ownershipCertificateArn && !CHINA_CERTIFICATE_ARN.test(ownershipCertificateArn))
    throw new Error(
      `context hospitalOwnershipCertificateArn is not an ACM certificate ARN in a China region: ${ownershipCertificateArn}`,
    );
  const alarmEmail = text('alarmEmail');
  if (alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail))
    throw new Error(`context alarmEmail is not an email address: ${alarmEmail}`);
  const alarmWebhookUrl = text('alarmWebhookUrl');
  if (alarmWebhookUrl && !/^https:\/\/[^\s/]+\/\S*$/.test(alarmWebhookUrl))
    throw new Error(`context alarmWebhookUrl must be an https:// URL, got ${alarmWebhookUrl}`);
  const cidrs = (text('hospitalCidrs') ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  for (const cidr of cidrs) {
    if (
      !/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/.test(cidr) ||
      cidr
        .split(/[./]/)
        .slice(0, 4)
        .some((o) => Number(o) > 255)
    )
      throw new Error(`context hospitalCidrs has ${cidr}, which is no IPv4 CIDR`);
  }
  const quota = text('accountConcurrency');
  const accountConcurrency = quota === undefined ? undefined : Number(quota);
  if (accountConcurrency !== undefined && !(Number.isInteger(accountConcurrency) && accountConcurrency > 0))
    throw new Error(`context accountConcurrency must be a positive integer, got ${quota}`);
  return {
    apiDomain,
    hospital: {
      domain: hospitalDomain
        ? { ...hospitalDomain, truststoreUri, truststoreVersion, ownershipCertificateArn }
        : undefined,
      allowedCidrs: cidrs,
    },
    accountConcurrency,
    alarmSubscriptions: { email: alarmEmail, webhookUrl: alarmWebhookUrl },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    buildApp().app.synth();
  } catch (error) {
    // A refusal (wrong region) is a message for the person deploying, not a stack trace.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
