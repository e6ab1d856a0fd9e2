import { join, resolve } from 'node:path';
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { StageConfig } from '../functions/core/config';
import type { RouteDefinition, Touches } from '../functions/core/route';
import { tableDefinition } from '../functions/store/table-definition';
import { groupRoutes, writeGroupEntry } from './route-groups';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  readonly version: string;
  readonly routes: ReadonlyArray<RouteDefinition & { readonly id: string }>;
  readonly fallback: { readonly group: string; readonly handler: string };
  readonly authorizer: { readonly handler: string; readonly touches: Touches };
  readonly table: dynamodb.ITable;
  readonly dataKey: kms.IKey;
  /** Encrypts the secrets at rest; functions reach it only via Secrets Manager. */
  readonly storageKey: kms.IKey;
  readonly signingKey: kms.IKey;
  readonly appSecret: secretsmanager.ISecret;
  readonly providerSecret: secretsmanager.ISecret;
  /** Where generated group entries are written; defaults to `.build/entries`. */
  readonly entriesDir?: string;
}

const projectRoot = resolve(import.meta.dirname, '..');
const functionsDir = join(projectRoot, 'functions');

/** Log retention values CloudWatch accepts, to map a configured number of days onto. */
const retentionByDays = new Map<number, logs.RetentionDays>([
  [30, logs.RetentionDays.ONE_MONTH],
  [90, logs.RetentionDays.THREE_MONTHS],
  [180, logs.RetentionDays.SIX_MONTHS],
  [365, logs.RetentionDays.ONE_YEAR],
]);

/**
 * Stateless resources: the HTTP API, one function per route group and the authorizer, each with
 * only the grants its routes declare in the route table.
 */
export class ApiStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly functions: ReadonlyMap<string, NodejsFunction>;
  readonly #props: ApiStackProps;
  readonly #retention: logs.RetentionDays;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.#props = props;
    const retention = retentionByDays.get(props.config.logRetentionDays);
    if (!retention)
      throw new Error(`logRetentionDays ${props.config.logRetentionDays} is not a CloudWatch retention`);
    this.#retention = retention;

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention });
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: `patient-onboarding ${props.config.stage}`,
      createDefaultStage: false,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // Route and status only: no query string, no headers, no path (paths may carry ids).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    // No identity source and no cache: the authorizer runs for every protected request (so logout
    // and revocation apply at once) and even without a header, so refusals come back as problem+json.
    const authorizerFn = this.#function(
      'Authorizer',
      join(functionsDir, `${props.authorizer.handler}.ts`),
      props.authorizer.touches,
    );
    const authorizer = new HttpLambdaAuthorizer('UserAuthorizer', authorizerFn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.seconds(0),
      identitySource: [],
    });

    const functions = new Map<string, NodejsFunction>([['authorizer', authorizerFn]]);
    for (const group of groupRoutes(props.routes, props.fallback.group)) {
      const entry = writeGroupEntry(group, {
        functionsDir,
        outDir: props.entriesDir ?? join(projectRoot, '.build', 'entries'),
        fallbackHandler: props.fallback.handler,
      });
      const fn = this.#function(pascal(group.name), entry, group.touches);
      functions.set(group.name, fn);
      const integration = new HttpLambdaIntegration(`${pascal(group.name)}Integration`, fn);
      for (const route of group.routes) {
        const httpRoute = new apigw.HttpRoute(this, `Route${pascal(route.id)}`, {
          httpApi: this.api,
          routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
          integration,
          ...(route.auth === 'user' ? { authorizer } : {}),
        });
        if (route.auth === 'none') {
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${route.method} ${route.path} is public by design (auth: 'none' in the route table).`,
          });
        }
      }
      if (group.servesFallback) {
        const [fallback] = this.api.addRoutes({
          path: '/{proxy+}',
          methods: [apigw.HttpMethod.ANY],
          integration,
        });
        if (fallback) {
          Validations.of(fallback).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: 'The catch-all only answers 404/405 problems; it serves no data.',
          });
        }
      }
    }
    this.functions = functions;
  }

  /** A function with its own role and log group, and exactly the grants `touches` names. */
  #function(name: string, entry: string, touches: Touches): NodejsFunction {
    const props = this.#props;
    const id = `${name}Function`;
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention: this.#retention });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to this log group and nothing else.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, id, {
      entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      logGroup,
      role,
      loggingFormat: lambda.LoggingFormat.JSON,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      projectRoot,
      environment: {
        STAGE: props.config.stage,
        TABLE_NAME: props.table.tableName,
        KEY_SOURCE: 'kms',
        APP_VERSION: props.version,
        ...(touches.dataKey ? { DATA_KEY_ARN: props.dataKey.keyArn } : {}),
        ...(touches.appSecret ? { APP_SECRET_ARN: props.appSecret.secretArn } : {}),
        ...(touches.signingKey ? { SIGNING_KEY_ARN: props.signingKey.keyArn } : {}),
        ...(touches.providers ? { PROVIDER_SECRET_ARN: props.providerSecret.secretArn } : {}),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // Bundle our pinned AWS SDK instead of the runtime's copy (CDK's default): one minified
        // file imports faster than the runtime's node_modules tree (bench: 217 ms vs 322 ms to
        // import the system group), and the SDK version is the one the tests ran.
        externalModules: [],
        // Some dependencies are CommonJS and call require(); give the ESM bundle one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });

    if (touches.table) this.#grantTable(role, touches.table);
    if (touches.dataKey === 'encrypt' || touches.dataKey === 'both')
      props.dataKey.grant(fn, 'kms:GenerateDataKey');
    if (touches.dataKey === 'decrypt' || touches.dataKey === 'both') props.dataKey.grantDecrypt(fn);
    if (touches.signingKey === 'sign') props.signingKey.grant(fn, 'kms:Sign', 'kms:GetPublicKey');
    if (touches.signingKey === 'verify') props.signingKey.grant(fn, 'kms:GetPublicKey');
    if (touches.appSecret) this.#grantSecretRead(role, props.appSecret);
    if (touches.providers) this.#grantSecretRead(role, props.providerSecret);

    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "nodejs22.x on arm64 is the project's fixed runtime (the newest runtime offered in the AWS China regions we target).",
    });
    return fn;
  }

  /**
   * Item-level table access, no Scan and no table management; the table's at-rest key only through
   * DynamoDB. (CDK's `grantReadWriteData` adds `kms:ReEncrypt*` and `kms:GenerateDataKey*` wildcards.)
   */
  #grantTable(role: iam.IRole, mode: 'read' | 'readwrite'): void {
    const { table, storageKey } = this.#props;
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
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: mode === 'read' ? read : [...read, ...write],
        // The declared indexes by name, not `index/*`.
        resources: [
          table.tableArn,
          ...tableDefinition.globalSecondaryIndexes.map((g) => `${table.tableArn}/index/${g.indexName}`),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions:
          mode === 'read'
            ? ['kms:Decrypt', 'kms:DescribeKey']
            : ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [storageKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${this.region}.${this.urlSuffix}` } },
      }),
    );
  }

  /**
   * Read access to a secret and to its key through Secrets Manager only, granted on the role.
   * (`secret.grantRead` would add the role to the key policy in the data stack, a dependency cycle.)
   */
  #grantSecretRead(role: iam.IRole, secret: secretsmanager.ISecret): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [secret.secretArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [this.#props.storageKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.${this.urlSuffix}` } },
      }),
    );
  }
}

function pascal(name: string): string {
  return name.replace(/(^|[-_\s])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());
}
