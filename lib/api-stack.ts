import { join, resolve } from 'node:path';
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
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
import type { RouteDefinition } from '../functions/core/route';
import { groupRoutes, type RouteGroup, writeGroupEntry } from './route-groups';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  readonly version: string;
  readonly routes: ReadonlyArray<RouteDefinition & { readonly id: string }>;
  readonly fallback: { readonly group: string; readonly handler: string };
  readonly table: dynamodb.ITable;
  readonly dataKey: kms.IKey;
  readonly indexKeySecret: secretsmanager.ISecret;
  /** Where generated group entries are written; defaults to `.build/entries`. */
  readonly entriesDir?: string;
}

const projectRoot = resolve(import.meta.dirname, '..');

/** Log retention values CloudWatch accepts, to map a configured number of days onto. */
const retentionByDays = new Map<number, logs.RetentionDays>([
  [30, logs.RetentionDays.ONE_MONTH],
  [90, logs.RetentionDays.THREE_MONTHS],
  [180, logs.RetentionDays.SIX_MONTHS],
  [365, logs.RetentionDays.ONE_YEAR],
]);

/**
 * Stateless resources: the HTTP API and one function per route group, each built from the route
 * table with only the grants its routes declare.
 */
export class ApiStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly functions: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const retention = retentionByDays.get(props.config.logRetentionDays);
    if (!retention)
      throw new Error(`logRetentionDays ${props.config.logRetentionDays} is not a CloudWatch retention`);

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
          }),
        ),
      },
    });

    const functions = new Map<string, NodejsFunction>();
    const groups = groupRoutes(props.routes, props.fallback.group);
    for (const group of groups) {
      const fn = this.#groupFunction(group, props, retention);
      functions.set(group.name, fn);
      const integration = new HttpLambdaIntegration(`${pascal(group.name)}Integration`, fn);
      for (const route of group.routes) {
        new apigw.HttpRoute(this, `Route${pascal(route.id)}`, {
          httpApi: this.api,
          routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
          integration,
        });
      }
      if (group.servesFallback)
        this.api.addRoutes({ path: '/{proxy+}', methods: [apigw.HttpMethod.ANY], integration });
    }
    this.functions = functions;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The routes of this foundation (health, OpenAPI document, problem fallback) are public by design; user routes get the Lambda authorizer with the login feature.',
    });
  }

  #groupFunction(group: RouteGroup, props: ApiStackProps, retention: logs.RetentionDays): NodejsFunction {
    const id = `${pascal(group.name)}Function`;
    const entry = writeGroupEntry(group, {
      functionsDir: join(projectRoot, 'functions'),
      outDir: props.entriesDir ?? join(projectRoot, '.build', 'entries'),
      fallbackHandler: props.fallback.handler,
    });
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention });
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
        ...(group.touches.dataKey ? { DATA_KEY_ARN: props.dataKey.keyArn } : {}),
        ...(group.touches.indexKey ? { INDEX_KEY_SECRET_ARN: props.indexKeySecret.secretArn } : {}),
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

    if (group.touches.table === 'read') props.table.grantReadData(fn);
    if (group.touches.table === 'readwrite') props.table.grantReadWriteData(fn);
    if (group.touches.dataKey === 'encrypt' || group.touches.dataKey === 'both') {
      props.dataKey.grant(fn, 'kms:GenerateDataKey');
    }
    if (group.touches.dataKey === 'decrypt' || group.touches.dataKey === 'both')
      props.dataKey.grantDecrypt(fn);
    if (group.touches.indexKey) props.indexKeySecret.grantRead(fn);

    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "nodejs22.x on arm64 is the project's fixed runtime (the newest runtime offered in the AWS China regions we target).",
    });
    return fn;
  }
}

function pascal(name: string): string {
  return name.replace(/(^|[-_\s])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());
}
