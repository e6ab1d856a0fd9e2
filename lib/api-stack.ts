import { join, resolve } from 'node:path';
import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StageConfig } from '../functions/core/config';
import type { RouteDefinition, Touches, WorkerDefinition } from '../functions/core/route';
import { tableDefinition } from '../functions/store/table-definition';
import { Alarms } from './alarms';
import { quotaNeeded, reservedConcurrency, UNRESERVED_MINIMUM } from './concurrency';
import type { PeerRegionKeys } from './data-stack';
import { type CustomDomain, FrontDoor, type MutualTls } from './front-door';
import { functionCode } from './function-code';
import { kebab, pascal } from './names';
import { groupRoutes, writeGroupEntry } from './route-groups';
import { viaService } from './via-service';
import { FrontDoorFirewall } from './waf';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  readonly version: string;
  /**
   * What this deploy is (context `release`, e.g. `git describe`; else the package version): each
   * function's published version carries it, so `npm run rollback -- --to <release>` finds it.
   */
  readonly release: string;
  readonly routes: ReadonlyArray<RouteDefinition & { readonly id: string }>;
  readonly fallback: { readonly group: string; readonly handler: string };
  readonly authorizer: { readonly handler: string; readonly touches: Touches };
  /**
   * The worker table (functions/system/route-table.ts): the queue workers (HIS registration,
   * webhook delivery), the scheduled jobs (privacy each minute and hourly, the audit check daily)
   * and the table's stream consumers, each with its own event source mapping and filter: ordered
   * per shard, a failing batch split and retried, its position sent to a dead-letter queue last.
   */
  readonly workers: {
    readonly registration: WorkerDefinition & { readonly trigger: 'queue' };
    readonly webhooks: WorkerDefinition & { readonly trigger: 'queue' };
    readonly privacyJobs: WorkerDefinition & { readonly trigger: 'schedule' };
    readonly auditVerify: WorkerDefinition & { readonly trigger: 'schedule' };
    readonly restoreTest: WorkerDefinition & { readonly trigger: 'schedule' };
  } & Readonly<Record<string, WorkerDefinition>>;
  readonly table: dynamodb.ITable;
  readonly dataKey: kms.IKey;
  /** Encrypts the secrets at rest; functions reach it only via Secrets Manager. */
  readonly storageKey: kms.IKey;
  readonly signingKey: kms.IKey;
  /** Earlier signing keys still trusted: verify only (rotation). */
  readonly trustedSigningKeys?: readonly kms.IKey[];
  /**
   * The other China region's data key and signing root, by alias: every data key is wrapped for it
   * too, and its signing root is trusted (a fail-over signs there). Absent in a fail-over deploy
   * whose other region is down.
   */
  readonly peer?: PeerRegionKeys | undefined;
  readonly appSecret: secretsmanager.ISecret;
  readonly providerSecret: secretsmanager.ISecret;
  /** This region's backup vault and the role AWS Backup restores with (the restore test). */
  readonly restore: {
    readonly vault: backup.IBackupVault;
    readonly role: iam.IRole;
    /** The scratch tables' name pattern (DataStack.scratchTables). */
    readonly scratchTables: string;
  };
  /** Where generated group entries are written; defaults to `.build/entries`. */
  readonly entriesDir?: string;
  /** The public API's ICP-filed domain and its imported certificate (context `apiDomain`, `apiCertificateArn`). */
  readonly apiDomain?: CustomDomain | undefined;
  /** The hospital integration's domain, truststore and allowed networks (context `hospital*`). */
  readonly hospital?: {
    readonly domain?: (CustomDomain & MutualTls) | undefined;
    readonly allowedCidrs: readonly string[];
  };
  /** The account's Lambda concurrency quota in this region (context `accountConcurrency`), checked at synth. */
  readonly accountConcurrency?: number | undefined;
  /** Who alarms page (context `alarmEmail`, `alarmWebhookUrl`): SNS has no SMS in the China regions. */
  readonly alarmSubscriptions?: {
    readonly email?: string | undefined;
    readonly webhookUrl?: string | undefined;
  };
}

const projectRoot = resolve(import.meta.dirname, '..');

/** A function that seals makes data keys, and wraps each for the other region too. */
const wrapsDataKeys = (touches: Touches) => touches.dataKey === 'encrypt' || touches.dataKey === 'both';

/** Signing roots a verifier trusts besides the one that signs: earlier generations, the other region's. */
const trustedSigningKeyArns = (props: ApiStackProps): string[] => [
  ...(props.trustedSigningKeys ?? []).map((k) => k.keyArn),
  ...(props.peer ? [props.peer.signingKeyArn] : []),
];

/** Custom metrics (SMS sent, verifies, ...) are published under this namespace (EMF log lines). */
export const METRICS_NAMESPACE = 'PatientOnboarding';

/** Findings that do not apply to these functions, with the reason a reviewer gets. */
const FUNCTION_ACKNOWLEDGEMENTS: ReadonlyArray<readonly [string, string]> = [
  [
    'AwsSolutions-L1',
    "nodejs22.x is the project's fixed runtime (the product's decision, recorded in DEVELOPERS.md).",
  ],
  [
    'HIPAA.Security-LambdaDLQ',
    'Invoked synchronously by API Gateway: a failure is returned to the caller, there is no async event to dead-letter. Async workers get DLQs.',
  ],
  [
    'NIST.800.53.R5-LambdaDLQ',
    'Invoked synchronously by API Gateway: a failure is returned to the caller, there is no async event to dead-letter. Async workers get DLQs.',
  ],
  [
    'HIPAA.Security-LambdaInsideVPC',
    'The functions reach only AWS regional endpoints (DynamoDB, KMS, Secrets Manager, CloudWatch) and the SMS and identity providers over TLS; no resource of ours lives in a VPC. A VPC would add NAT gateways in two AZs for provider calls without narrowing any data path. See docs/security-checks.md.',
  ],
  [
    'NIST.800.53.R5-LambdaInsideVPC',
    'The functions reach only AWS regional endpoints (DynamoDB, KMS, Secrets Manager, CloudWatch) and the SMS and identity providers over TLS; no resource of ours lives in a VPC. A VPC would add NAT gateways in two AZs for provider calls without narrowing any data path. See docs/security-checks.md.',
  ],
];
const functionsDir = join(projectRoot, 'functions');

/** Log retention values CloudWatch accepts, to map a configured number of days onto. */
const retentionByDays = new Map<number, logs.RetentionDays>([
  [30, logs.RetentionDays.ONE_MONTH],
  [90, logs.RetentionDays.THREE_MONTHS],
  [180, logs.RetentionDays.SIX_MONTHS],
  [365, logs.RetentionDays.ONE_YEAR],
]);

/**
 * Stateless resources: the REST API behind AWS WAF, one function per route group and the
 * authorizer, the workers and jobs, each with only the grants its routes declare in the route table.
 */
export class ApiStack extends Stack {
  readonly api: apigw.RestApi;
  readonly functions: ReadonlyMap<string, lambda.Function>;
  readonly #props: ApiStackProps;
  readonly #retention: logs.RetentionDays;
  readonly #architecture: lambda.Architecture;
  /** The functions created (construct names), for the account-quota check. */
  readonly #created = new Set<string>();
  /** Each function's `live` alias: what API Gateway, the schedules and the event sources invoke. */
  readonly #live = new Map<lambda.IFunction, lambda.Alias>();
  #registrationQueue: sqs.Queue | undefined;
  #webhookQueue: sqs.Queue | undefined;
  #bus: events.EventBus | undefined;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.#props = props;
    const retention = retentionByDays.get(props.config.logRetentionDays);
    if (!retention)
      throw new Error(`logRetentionDays ${props.config.logRetentionDays} is not a CloudWatch retention`);
    this.#retention = retention;
    const architecture = props.config.architectures[this.region];
    if (!architecture) throw new Error(`architectures has no entry for region ${this.region}`);
    this.#architecture = architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;

    const accessLogs = this.#logGroup('AccessLogs');
    // No identity source and no cache: the authorizer runs for every protected request (so logout
    // and revocation apply at once) and even without a header, so refusals come back as problem+json.
    const authorizerFn = this.#function(
      'Authorizer',
      join(functionsDir, `${props.authorizer.handler}.ts`),
      props.authorizer.touches,
    );

    // Card events: a bus of our own, archived in-region for replay; a rule feeds the webhook queue,
    // whose worker signs and delivers each event to its hospital (retries with backoff, DLQ).
    this.#bus = new events.EventBus(this, 'CardEvents', { description: 'patient-onboarding card events' });
    const archive = new events.Archive(this, 'CardEventsArchive', {
      sourceEventBus: this.#bus,
      eventPattern: { source: ['patient-onboarding.cards'] },
      retention: Duration.days(30),
      description: 'Card events (ids and codes only), kept 30 days for replay',
    });
    // CDK writes `KmsKeyIdentifier: ""` (an open bug); some regions refuse it at deploy.
    (archive.node.defaultChild as events.CfnArchive).addPropertyDeletionOverride('KmsKeyIdentifier');
    const webhookDeadLetters = new sqs.Queue(this, 'WebhookDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.#webhookQueue = new sqs.Queue(this, 'WebhookQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: { queue: webhookDeadLetters, maxReceiveCount: 5 },
    });
    new events.Rule(this, 'CardEventsToWebhooks', {
      eventBus: this.#bus,
      eventPattern: { source: ['patient-onboarding.cards'] },
      targets: [new eventTargets.SqsQueue(this.#webhookQueue, { deadLetterQueue: webhookDeadLetters })],
    });
    const webhookWorkerFn = this.#function(
      'Webhooks',
      join(functionsDir, `${props.workers.webhooks.handler}.ts`),
      props.workers.webhooks.touches,
      { consumes: this.#webhookQueue },
    );
    new lambda.EventSourceMapping(this, 'WebhookWorkerSource', {
      target: this.#aliasOf(webhookWorkerFn),
      eventSourceArn: this.#webhookQueue.queueArn,
      batchSize: 5,
    });

    // HIS registrations that could not finish in the request wait here; the worker retries them
    // with backoff, and a message that keeps failing ends in the dead-letter queue.
    const registrationDeadLetters = new sqs.Queue(this, 'RegistrationDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.#registrationQueue = new sqs.Queue(this, 'RegistrationQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: { queue: registrationDeadLetters, maxReceiveCount: 5 },
    });
    const worker = this.#function(
      'Registration',
      join(functionsDir, `${props.workers.registration.handler}.ts`),
      props.workers.registration.touches,
      { consumes: this.#registrationQueue },
    );
    new lambda.EventSourceMapping(this, 'RegistrationWorkerSource', {
      target: this.#aliasOf(worker),
      eventSourceArn: this.#registrationQueue.queueArn,
      batchSize: 5,
    });

    // Privacy jobs on EventBridge schedules. A failed run is simply the next run's work (every step
    // is idempotent); runs that failed all their retries, and events EventBridge could not deliver
    // at all, land in one dead-letter queue (alarmed).
    const jobDeadLetters = new sqs.Queue(this, 'PrivacyJobDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(jobDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'It is itself a dead-letter queue: of the privacy-jobs function and of its schedule targets.',
    });
    const privacyJobsFn = this.#function(
      'PrivacyJobs',
      join(functionsDir, `${props.workers.privacyJobs.handler}.ts`),
      props.workers.privacyJobs.touches,
      { timeout: Duration.minutes(5), deadLetterQueue: jobDeadLetters },
    );
    for (const [id, task, schedule] of [
      ['AccountDeletionsSchedule', 'deletions', events.Schedule.rate(Duration.minutes(1))],
      ['RetentionSchedule', 'retention', events.Schedule.rate(Duration.hours(1))],
      // Incident notice SMS and the report clocks (the IncidentReportDue alarm reads its metric).
      ['IncidentNoticesSchedule', 'notices', events.Schedule.rate(Duration.minutes(1))],
    ] as const) {
      new events.Rule(this, id, {
        schedule,
        targets: [
          new eventTargets.LambdaFunction(this.#aliasOf(privacyJobsFn), {
            event: events.RuleTargetInput.fromObject({ task }),
            deadLetterQueue: jobDeadLetters,
            retryAttempts: 2,
            maxEventAge: Duration.minutes(10),
          }),
        ],
      });
    }

    const auditVerifyFn = this.#function(
      'AuditVerify',
      join(functionsDir, `${props.workers.auditVerify.handler}.ts`),
      props.workers.auditVerify.touches,
      { timeout: Duration.minutes(15), deadLetterQueue: jobDeadLetters },
    );
    new events.Rule(this, 'AuditVerifySchedule', {
      schedule: events.Schedule.cron({ minute: '15', hour: '17' }), // 01:15 Beijing time
      targets: [
        new eventTargets.LambdaFunction(this.#aliasOf(auditVerifyFn), {
          event: events.RuleTargetInput.fromObject({ task: 'audit-verify' }),
          deadLetterQueue: jobDeadLetters,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });

    // The restore test, twice a week: checks what the last run restored, restores the newest backup.
    const restoreTestFn = this.#function(
      'RestoreTest',
      join(functionsDir, `${props.workers.restoreTest.handler}.ts`),
      props.workers.restoreTest.touches,
      {
        timeout: Duration.minutes(15),
        deadLetterQueue: jobDeadLetters,
        extraEnvironment: {
          BACKUP_VAULT_NAME: props.restore.vault.backupVaultName,
          TABLE_ARN: props.table.tableArn,
          RESTORE_ROLE_ARN: props.restore.role.roleArn,
          STORAGE_KEY_ARN: props.storageKey.keyArn,
        },
      },
    );
    new events.Rule(this, 'RestoreTestSchedule', {
      // 03:30 Beijing time on Mondays and Thursdays: a pass at most four days apart.
      schedule: events.Schedule.cron({ minute: '30', hour: '19', weekDay: 'WED,SUN' }),
      targets: [
        new eventTargets.LambdaFunction(this.#aliasOf(restoreTestFn), {
          event: events.RuleTargetInput.fromObject({ task: 'restore-test' }),
          deadLetterQueue: jobDeadLetters,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });

    // The table's stream: each worker reads it through its own mapping (DynamoDB allows two
    // readers a shard), in order, one batch at a time per shard. A batch that keeps failing is
    // split until the bad record is alone, then its position goes to the dead-letter queue.
    const streamDeadLetters = new sqs.Queue(this, 'StreamDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(streamDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "It is itself a dead-letter queue: of the stream workers (failed batches' positions).",
    });
    const streamWorkers = Object.values(props.workers).filter(
      (w): w is WorkerDefinition & { trigger: 'stream' } => w.trigger === 'stream',
    );
    const streamFunctions = streamWorkers.map((worker) => {
      const fn = this.#function(
        pascal(worker.group),
        join(functionsDir, `${worker.handler}.ts`),
        worker.touches,
        {
          timeout: Duration.minutes(1),
          readsStream: streamDeadLetters,
        },
      );
      new lambda.EventSourceMapping(this, `${pascal(worker.group)}Source`, {
        target: this.#aliasOf(fn),
        eventSourceArn: props.table.tableStreamArn,
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.days(1),
        reportBatchItemFailures: false,
        // The destination alone: SqsDlq would also grant the send as an inline policy, and the
        // function's managed policy already allows it.
        onFailure: { bind: () => ({ destination: streamDeadLetters.queueArn }) },
        filters: [lambda.FilterCriteria.filter(worker.stream)],
      });
      return [worker.group, fn] as const;
    });

    const functions = new Map<string, lambda.Function>([
      ['authorizer', authorizerFn],
      ['registration', worker],
      ['webhooks', webhookWorkerFn],
      ['privacy-jobs', privacyJobsFn],
      ['audit-verify', auditVerifyFn],
      ...streamFunctions,
    ]);
    for (const group of groupRoutes(props.routes, props.fallback.group)) {
      const entry = writeGroupEntry(group, {
        functionsDir,
        outDir: props.entriesDir ?? join(projectRoot, '.build', 'entries'),
        fallbackHandler: props.fallback.handler,
      });
      // The hospital routes answer only on the hospital domain when there is one (mutual TLS there).
      const hospitalDomain = group.name === 'hospital' ? props.hospital?.domain?.name : undefined;
      functions.set(
        group.name,
        this.#function(pascal(group.name), entry, group.touches, {
          ...(hospitalDomain ? { extraEnvironment: { HOSPITAL_DOMAIN: hospitalDomain } } : {}),
        }),
      );
    }
    this.#checkConcurrency();

    // API Gateway invokes each function's `live` alias. The login path is warm around slot-release
    // times: provisioned concurrency on that alias (Application Auto Scaling schedules, UTC).
    const targets = new Map<string, lambda.IFunction>(
      [...functions].map(([name, fn]) => [name, this.#aliasOf(fn)] as const),
    );
    for (const name of props.config.rush.functions) {
      const fn = functions.get(name);
      if (!fn) throw new Error(`rush.functions names ${name}, which is no function`);
      const scaling = this.#aliasOf(fn).addAutoScaling({
        minCapacity: 0,
        maxCapacity: props.config.rush.concurrency,
      });
      for (const window of props.config.rush.windows) {
        scaling.scaleOnSchedule(`${window.name}Start`, {
          schedule: appscaling.Schedule.expression(window.start),
          minCapacity: props.config.rush.concurrency,
          maxCapacity: props.config.rush.concurrency,
        });
        // Both bounds to 0: with MaxCapacity left at the window's, the target keeps its
        // provisioned concurrency around the clock.
        scaling.scaleOnSchedule(`${window.name}End`, {
          schedule: appscaling.Schedule.expression(window.end),
          minCapacity: 0,
          maxCapacity: 0,
        });
      }
    }

    const door = new FrontDoor(this, 'FrontDoor', {
      config: props.config,
      routes: props.routes,
      functions: targets,
      fallbackGroup: props.fallback.group,
      authorizer: this.#aliasOf(authorizerFn),
      accessLogs,
      newLogGroup: (id, name) => this.#logGroup(id, name),
      apiDomain: props.apiDomain,
      hospital: props.hospital,
    });
    this.api = door.api;
    const byId = new Map(props.routes.map((r) => [r.id, r]));
    const firewall = new FrontDoorFirewall(this, 'Firewall', {
      name: `patient-onboarding-${props.config.stage}`,
      stageArn: door.stage.stageArn,
      ratePerIp: Object.entries(props.config.waf.ratePerIpPer5Minutes).map(([id, limit]) => {
        const route = byId.get(id);
        if (!route) throw new Error(`waf.ratePerIpPer5Minutes names ${id}, which is no route`);
        return { id, path: route.path, limit };
      }),
      maxBodyBytes: props.config.maxBodyBytes,
      logRetention: this.#retention,
      logKey: props.storageKey,
    });
    this.functions = functions;
    // The names `npm run dlq:redrive` takes (docs/deploy-china.md, "Dead letters").
    for (const [id, queue] of [
      ['RegistrationDeadLettersName', registrationDeadLetters],
      ['WebhookDeadLettersName', webhookDeadLetters],
      ['PrivacyJobDeadLettersName', jobDeadLetters],
      ['StreamDeadLettersName', streamDeadLetters],
    ] as const) {
      new CfnOutput(this, id, { value: queue.queueName });
    }
    const alarms = new Alarms(this, 'Alarms', {
      apiName: this.api.restApiName,
      apiStage: door.stage.stageName,
      wafBlockedRequests: firewall.blockedRequests,
      wafBlockedAlarm: props.config.waf.blockedRequestsAlarm,
      functions,
      metricsNamespace: METRICS_NAMESPACE,
      globalDailySends: props.config.auth.limits.global.dailySends,
      globalDailyLivenessStarts: props.config.identity.liveness.limits.globalDailyStarts,
      deadLetterQueues: new Map<string, sqs.IQueue>([
        ['HisRegistration', registrationDeadLetters],
        ['Webhook', webhookDeadLetters],
        ['PrivacyJob', jobDeadLetters],
        ['Stream', streamDeadLetters],
      ]),
      streamConsumers: streamFunctions.map(([, fn]) => fn),
    });
    const { email, webhookUrl } = props.alarmSubscriptions ?? {};
    if (email) alarms.topic.addSubscription(new subscriptions.EmailSubscription(email));
    if (webhookUrl) alarms.topic.addSubscription(new subscriptions.UrlSubscription(webhookUrl));
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarms.topic.topicArn,
      description: 'Subscribe on-call here (email or an HTTPS endpoint; SNS sends no SMS in China)',
    });
  }

  /** A function with its own role, log group and managed policy holding exactly what `touches` names. */
  #function(
    name: string,
    entry: string,
    touches: Touches,
    options: {
      /** The SQS queue whose messages trigger it. */
      consumes?: sqs.Queue;
      timeout?: Duration;
      /** Invoked asynchronously (a schedule): where a run that failed its retries goes. */
      deadLetterQueue?: sqs.IQueue;
      /** Reads the table's stream; its failed batches' positions go to this queue. */
      readsStream?: sqs.IQueue;
      extraEnvironment?: Readonly<Record<string, string>>;
    } = {},
  ): lambda.Function {
    const {
      consumes,
      timeout = Duration.seconds(10),
      deadLetterQueue,
      readsStream,
      extraEnvironment,
    } = options;
    const consumesQueue = consumes !== undefined;
    const props = this.#props;
    const id = `${name}Function`;
    const functionName = `patient-onboarding-${props.config.stage}-${kebab(name)}`;
    // The group Lambda writes to by name (no LoggingConfig: not confirmed in the China regions'
    // documentation), created here so it has retention and the storage key; Lambda may not create it.
    const logGroup = this.#logGroup(`${id}Logs`, `/aws/lambda/${functionName}`);
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    // One customer-managed policy per function instead of AWSLambdaBasicExecutionRole and inline
    // grants: reviewable on its own, and it names every key, secret and table action the routes declare.
    const policy = new iam.ManagedPolicy(this, `${id}Policy`, {
      roles: [role],
      statements: this.#statements(touches, logGroup, consumes, deadLetterQueue, readsStream),
    });
    if (touches.restoreTest) {
      const scratch = `arn:<AWS::Partition>:dynamodb:${this.region}:<AWS::AccountId>:table/${props.restore.scratchTables}`;
      for (const [resource, why] of [
        ['*', 'dynamodb:ListTables takes no resource; the job keeps only names of its own pattern'],
        [scratch, "the scratch tables: the live table's name followed by -rt-, made by the restore test"],
        [`${scratch}/index/*`, "the scratch tables' indexes (the live table's, restored with it)"],
        [
          `arn:<AWS::Partition>:backup:${this.region}:<AWS::AccountId>:recovery-point:*`,
          "recovery points are named by AWS Backup's id; the job lists only this vault's and restores the newest",
        ],
      ] as const)
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason: `The restore test: ${why}.`,
        });
    }
    if (props.peer && (wrapsDataKeys(touches) || touches.signingKey))
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${props.peer.region}:<AWS::AccountId>:key/*]`,
        reason: `The other China region's key is named by its alias (no cross-region reference); the statement's kms:RequestAlias condition limits it to that one alias.`,
      });
    const concurrency = reservedConcurrency(props.config, name);
    const fn = new lambda.Function(this, id, {
      functionName,
      code: functionCode(entry, projectRoot),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: this.#architecture,
      memorySize: 512,
      timeout,
      currentVersionOptions: {
        description: `patient-onboarding release ${props.release}`,
        removalPolicy: RemovalPolicy.RETAIN,
      },
      reservedConcurrentExecutions: concurrency,
      role,
      environment: {
        STAGE: props.config.stage,
        TABLE_NAME: props.table.tableName,
        KEY_SOURCE: 'kms',
        APP_VERSION: props.version,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // The site's hospitals and clients are read from the table (npm run deployment -- apply).
        ...(touches.table ? { DEPLOYMENT_SOURCE: 'table' } : {}),
        ...(touches.dataKey ? { DATA_KEY_ARN: props.dataKey.keyArn } : {}),
        ...(wrapsDataKeys(touches) && props.peer ? { PEER_DATA_KEY_ARNS: props.peer.dataKeyArn } : {}),
        ...(touches.appSecret ? { APP_SECRET_ARN: props.appSecret.secretArn } : {}),
        ...(touches.signingKey ? { SIGNING_KEY_ARN: props.signingKey.keyArn } : {}),
        ...(touches.signingKey && trustedSigningKeyArns(props).length > 0
          ? { TRUSTED_SIGNING_KEY_ARNS: trustedSigningKeyArns(props).join(',') }
          : {}),
        ...(touches.providers ? { PROVIDER_SECRET_ARN: props.providerSecret.secretArn } : {}),
        ...(touches.queue && this.#registrationQueue
          ? { REGISTRATION_QUEUE_URL: this.#registrationQueue.queueUrl }
          : {}),
        ...(touches.events && this.#bus ? { EVENT_BUS_NAME: this.#bus.eventBusName } : {}),
        ...(consumes && consumes === this.#webhookQueue ? { WEBHOOK_QUEUE_URL: consumes.queueUrl } : {}),
        NODE_OPTIONS: '--enable-source-maps',
        ...extraEnvironment,
      },
    });
    fn.node.addDependency(logGroup);
    this.#created.add(name);
    // Every deploy publishes a version (kept when the next is published) and points `live` at it;
    // a rollback moves `live` back to an earlier one without a deploy (bin/rollback.ts).
    this.#live.set(
      fn,
      new lambda.Alias(this, `${name}Live`, {
        aliasName: 'live',
        version: fn.currentVersion,
        description: `patient-onboarding: what is served (release ${props.release} when deployed)`,
      }),
    );
    if (deadLetterQueue) {
      // Set on the resource rather than as the `deadLetterQueue` prop, whose grant would add an
      // inline policy; our managed policy above already allows the send.
      (fn.node.defaultChild as lambda.CfnFunction).deadLetterConfig = { targetArn: deadLetterQueue.queueArn };
    }
    for (const [rule, reason] of FUNCTION_ACKNOWLEDGEMENTS) {
      if (deadLetterQueue && rule.endsWith('LambdaDLQ')) continue; // it has one
      const queueReason = readsStream
        ? "Triggered by a DynamoDB stream event source mapping: a batch that keeps failing has its position sent to the mapping's on-failure queue; a function DLQ only serves asynchronous invocations."
        : "Triggered by an SQS event source mapping: a message that keeps failing goes to the queue's own dead-letter queue; a function DLQ only serves asynchronous invocations.";
      Validations.of(fn).acknowledge({
        id: rule,
        reason: (consumesQueue || readsStream) && rule.endsWith('LambdaDLQ') ? queueReason : reason,
      });
    }
    return fn;
  }

  /** The `live` alias of a function made by #function. */
  #aliasOf(fn: lambda.IFunction): lambda.Alias {
    const alias = this.#live.get(fn);
    if (!alias) throw new Error(`${fn.node.id} has no live alias`);
    return alias;
  }

  /** Log groups with retention, encrypted with the storage key (its policy lets CloudWatch Logs use it). */
  #logGroup(id: string, logGroupName?: string): logs.LogGroup {
    return new logs.LogGroup(this, id, {
      ...(logGroupName ? { logGroupName } : {}),
      retention: this.#retention,
      encryptionKey: this.#props.storageKey,
      // Kept when the stack goes, but not when its first deploy rolls back: a fixed name left
      // behind would make the retry fail with "already exists".
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
  }

  /**
   * Lambda keeps 100 of the account's concurrency unreserved: reserved concurrency beyond the quota
   * less 100 fails the deploy halfway, so synth refuses it first (context `accountConcurrency`).
   * Provisioned concurrency for the rush comes out of a function's reserved concurrency.
   */
  #checkConcurrency(): void {
    const { config, accountConcurrency } = this.#props;
    const { reserved, needed } = quotaNeeded(config, this.#created.keys());
    if (accountConcurrency !== undefined && needed > accountConcurrency) {
      throw new Error(
        `Reserved concurrency sums to ${reserved} in stage ${config.stage}; with the ${UNRESERVED_MINIMUM} Lambda keeps unreserved that needs an account quota of ${needed}, and accountConcurrency is ${accountConcurrency}. ` +
          'Raise the quota in both regions (docs/deploy-china.md, "Lambda concurrency") or lower concurrency in functions/core/config.ts.',
      );
    }
    for (const name of config.rush.functions) {
      const limit = this.#created.has(pascal(name)) ? reservedConcurrency(config, pascal(name)) : undefined;
      if (limit !== undefined && config.rush.concurrency > limit)
        throw new Error(
          `rush.concurrency ${config.rush.concurrency} exceeds ${name}'s reserved concurrency ${limit}: provisioned concurrency comes out of it`,
        );
    }
  }

  /**
   * The restore test's reach: this table's recovery points in this region's vault, the restore
   * role passed to AWS Backup only, and the scratch tables (`<table>-rt-*`) alone: read and drop.
   */
  #restoreTestStatements(): iam.PolicyStatement[] {
    const { storageKey, restore } = this.#props;
    const stack = Stack.of(this);
    const scratch = stack.formatArn({
      service: 'dynamodb',
      region: stack.region,
      resource: 'table',
      resourceName: restore.scratchTables,
    });
    return [
      new iam.PolicyStatement({
        actions: ['backup:ListRecoveryPointsByBackupVault'],
        resources: [restore.vault.backupVaultArn],
      }),
      new iam.PolicyStatement({
        actions: ['backup:GetRecoveryPointRestoreMetadata', 'backup:StartRestoreJob'],
        resources: [
          stack.formatArn({
            service: 'backup',
            resource: 'recovery-point',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [restore.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } },
      }),
      // ListTables takes no resource; what it names is filtered in code, and nothing else is granted.
      new iam.PolicyStatement({ actions: ['dynamodb:ListTables'], resources: ['*'] }),
      new iam.PolicyStatement({
        actions: [
          'dynamodb:DescribeTable',
          'dynamodb:Scan',
          'dynamodb:Query',
          'dynamodb:GetItem',
          'dynamodb:DeleteTable',
        ],
        resources: [scratch, `${scratch}/index/*`],
      }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [storageKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': viaService('dynamodb', stack.region) } },
      }),
    ];
  }

  /**
   * The statements of a function's policy. Table access is item actions only (no Scan), the
   * table's key only through DynamoDB, secrets only through Secrets Manager; CDK's grant helpers
   * would add wildcards (`kms:ReEncrypt*`) or key-policy entries in the data stack (a cycle).
   */
  #statements(
    touches: Touches,
    logGroup: logs.ILogGroup,
    consumes: sqs.Queue | undefined,
    deadLetterQueue?: sqs.IQueue,
    readsStream?: sqs.IQueue,
  ): iam.PolicyStatement[] {
    const { table, storageKey, dataKey, signingKey } = this.#props;
    const via = (service: string) => ({
      StringEquals: { 'kms:ViaService': viaService(service, this.region) },
    });
    const statements = [
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    ];
    if (touches.table) {
      const read = [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:ConditionCheckItem',
      ];
      const write = [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ];
      statements.push(
        new iam.PolicyStatement({
          actions: touches.table === 'read' ? read : [...read, ...write],
          // The declared indexes by name, not `index/*`.
          resources: [
            table.tableArn,
            ...tableDefinition.globalSecondaryIndexes.map((g) => `${table.tableArn}/index/${g.indexName}`),
          ],
        }),
        new iam.PolicyStatement({
          actions:
            touches.table === 'read'
              ? ['kms:Decrypt', 'kms:DescribeKey']
              : ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [storageKey.keyArn],
          conditions: via('dynamodb'),
        }),
      );
    }
    const dataKeyActions = [
      ...(wrapsDataKeys(touches) ? ['kms:GenerateDataKey'] : []),
      ...(touches.dataKey === 'decrypt' || touches.dataKey === 'both' ? ['kms:Decrypt'] : []),
    ];
    if (dataKeyActions.length > 0)
      statements.push(new iam.PolicyStatement({ actions: dataKeyActions, resources: [dataKey.keyArn] }));
    const peer = this.#props.peer;
    // The other region's keys are named by alias; IAM authorizes the key, so the grant is any key
    // of this account there reached through that alias (kms:RequestAlias), and nothing else.
    const throughAlias = (actions: string[], alias: string) =>
      new iam.PolicyStatement({
        actions,
        resources: [
          Stack.of(this).formatArn({
            service: 'kms',
            region: peer?.region,
            resource: 'key',
            resourceName: '*',
          }),
        ],
        conditions: { StringEquals: { 'kms:RequestAlias': alias } },
      });
    if (peer && wrapsDataKeys(touches)) statements.push(throughAlias(['kms:Encrypt'], peer.dataKeyAlias));
    if (touches.signingKey) {
      statements.push(
        new iam.PolicyStatement({
          actions: touches.signingKey === 'sign' ? ['kms:Sign', 'kms:GetPublicKey'] : ['kms:GetPublicKey'],
          resources: [signingKey.keyArn],
        }),
      );
      // Earlier generations: their public halves only, to verify what they certified.
      const trusted = this.#props.trustedSigningKeys ?? [];
      if (trusted.length > 0)
        statements.push(
          new iam.PolicyStatement({ actions: ['kms:GetPublicKey'], resources: trusted.map((k) => k.keyArn) }),
        );
      if (peer) statements.push(throughAlias(['kms:GetPublicKey'], peer.signingKeyAlias));
    }
    if (touches.restoreTest) statements.push(...this.#restoreTestStatements());
    const secrets = [
      ...(touches.appSecret ? [this.#props.appSecret.secretArn] : []),
      ...(touches.providers ? [this.#props.providerSecret.secretArn] : []),
    ];
    if (secrets.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: secrets,
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [storageKey.keyArn],
          conditions: via('secretsmanager'),
        }),
      );
    }
    const queue = this.#registrationQueue;
    if (queue && touches.queue) {
      statements.push(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    }
    if (consumes) {
      statements.push(
        new iam.PolicyStatement({
          // Workers also send: a retry goes back on their own queue with a delay.
          actions: [
            'sqs:SendMessage',
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:GetQueueAttributes',
          ],
          resources: [consumes.queueArn],
        }),
      );
    }
    if (deadLetterQueue) {
      statements.push(
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn] }),
      );
    }
    if (readsStream) {
      statements.push(
        new iam.PolicyStatement({
          actions: [
            'dynamodb:DescribeStream',
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
            'dynamodb:ListStreams',
          ],
          resources: [table.tableStreamArn as string],
        }),
        // The stream holds the table's items, encrypted with the storage key: reading it needs the
        // key through DynamoDB, whether or not the function also reads the table.
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [storageKey.keyArn],
          conditions: via('dynamodb'),
        }),
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [readsStream.queueArn] }),
      );
    }
    if (touches.events && this.#bus) {
      statements.push(
        new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [this.#bus.eventBusArn] }),
      );
    }
    // Metrics need no permission: they are written as embedded-metric-format log lines.
    return statements;
  }
}
