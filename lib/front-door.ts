import { ArnFormat, CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { StageConfig } from '../functions/core/config';
import { gatewayProblem, gatewayResponses } from '../functions/core/gateway-responses';
import type { RouteDefinition } from '../functions/core/route';
import { pascal } from './names';

/** A custom domain: an ICP-filed name and its certificate imported into ACM in this region. */
export interface CustomDomain {
  readonly name: string;
  readonly certificateArn: string;
}

/**
 * Mutual TLS on the hospital domain: the truststore (an S3 object, pinned to one version so a
 * rewrite of the object changes nothing until the stack says so) and, with an imported or private
 * CA certificate, the public certificate API Gateway requires to prove the domain is ours.
 */
export interface MutualTls {
  readonly truststoreUri?: string | undefined;
  readonly truststoreVersion?: string | undefined;
  readonly ownershipCertificateArn?: string | undefined;
}

export interface FrontDoorProps {
  readonly config: StageConfig;
  readonly routes: ReadonlyArray<RouteDefinition & { readonly id: string }>;
  /** The function serving each route group. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /** The group whose function serves the catch-all (unknown paths, other methods). */
  readonly fallbackGroup: string;
  readonly authorizer: lambda.IFunction;
  readonly accessLogs: logs.ILogGroup;
  /** Creates the execution-log group API Gateway writes to by name (encrypted, with retention). */
  readonly newLogGroup: (id: string, logGroupName: string) => logs.ILogGroup;
  /** The public API's domain; with it, the default execute-api endpoint is turned off. */
  readonly apiDomain?: CustomDomain | undefined;
  /**
   * The hospital integration: its own domain (with mutual TLS when a truststore is given) and the
   * networks its routes accept calls from (a resource policy; none: any network).
   */
  readonly hospital?: {
    readonly domain?: (CustomDomain & MutualTls) | undefined;
    readonly allowedCidrs: readonly string[];
  };
}

/** Access log fields: never the path, query string, headers or body (paths carry ids). */
const ACCESS_LOG = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  method: '$context.httpMethod',
  resource: '$context.resourcePath',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  wafStatus: '$context.wafResponseCode',
  domain: '$context.domainName',
};

/**
 * The front door: an API Gateway REST API with a REGIONAL endpoint (edge-optimized endpoints do not
 * exist in the China regions), built from the route table. Each route is a method with a Lambda
 * proxy integration to its group's function; `auth: 'user'` and `auth: 'hospital'` routes have
 * the REQUEST Lambda authorizer, uncached (see functions/authorizer/handlers/authorizer.ts); every
 * other method of a route's path and every unknown path (`ANY /{proxy+}`) go to the fallback's
 * 404/405. Per-route throttles come from the stage config, request validation is zod's (in the
 * functions), and what API Gateway answers itself is problem+json (gateway responses).
 */
export class FrontDoor extends Construct {
  readonly api: apigw.RestApi;
  readonly stage: apigw.Stage;

  constructor(scope: Construct, id: string, props: FrontDoorProps) {
    super(scope, id);
    const { config } = props;
    const hospitalPaths = props.routes.filter((r) => r.auth === 'hospital' || r.group === 'hospital');
    this.api = new apigw.RestApi(this, 'RestApi', {
      restApiName: `patient-onboarding-${config.stage}`,
      description: `patient-onboarding ${config.stage}`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      disableExecuteApiEndpoint: props.apiDomain !== undefined,
      minCompressionSize: undefined,
      ...(props.hospital && props.hospital.allowedCidrs.length > 0
        ? { policy: resourcePolicy(hospitalPaths, props.hospital.allowedCidrs) }
        : {}),
      deployOptions: {
        stageName: config.stage,
        accessLogDestination: new apigw.LogGroupLogDestination(props.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG)),
        // Errors only, never request or response data: authorizer and integration failures.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: config.throttle.rateLimit,
        throttlingBurstLimit: config.throttle.burstLimit,
        metricsEnabled: true,
        methodOptions: Object.fromEntries(
          props.routes
            .filter((route) => config.throttle.perRoute[route.id])
            .map((route) => {
              const limit = config.throttle.perRoute[route.id] as { rateLimit: number; burstLimit: number };
              return [
                `${route.path}/${route.method}`,
                { throttlingRateLimit: limit.rateLimit, throttlingBurstLimit: limit.burstLimit },
              ];
            }),
        ),
      },
    });
    this.stage = this.api.deploymentStage;
    this.#logging(props);
    for (const [rule, reason] of STAGE_ACKNOWLEDGEMENTS)
      Validations.of(this.stage).acknowledge({ id: rule, reason });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated by zod in the functions (functions/core/route.ts), which answer problem+json with a stable code; a second schema in API Gateway would drift from the route table.',
    });

    const authorizer = new apigw.RequestAuthorizer(this, 'Authorizer', {
      handler: props.authorizer,
      // Uncached (revocation at once), so no identity source is required: a request without an
      // Authorization header still reaches the authorizer and gets a problem+json answer.
      identitySources: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    const integrations = new Map<string, apigw.LambdaIntegration>();
    const integration = (group: string) => {
      let found = integrations.get(group);
      if (!found) {
        const fn = props.functions.get(group);
        if (!fn) throw new Error(`no function for route group ${group}`);
        // One invoke permission per function for the whole API, not one per method (policy size).
        found = new apigw.LambdaIntegration(fn, {
          proxy: true,
          scopePermissionToMethod: false,
        });
        integrations.set(group, found);
      }
      return found;
    };
    const fallback = integration(props.fallbackGroup);
    const withFallback = new Set<string>();
    for (const route of props.routes) {
      const resource = this.api.root.resourceForPath(route.path);
      const method = resource.addMethod(route.method, integration(route.group), {
        ...(route.auth === 'none' ? {} : { authorizer, authorizationType: apigw.AuthorizationType.CUSTOM }),
      });
      if (route.auth === 'none') {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design (auth: 'none' in the route table).`,
        });
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason: `${route.method} ${route.path} is public by design; the China regions have no Cognito authorizer.`,
        });
      } else {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason:
            'Authorized by the Lambda authorizer (tokens we issue); the China regions have no Cognito authorizer.',
        });
      }
      if (!withFallback.has(route.path)) {
        withFallback.add(route.path);
        // Other methods on a known path: the fallback's 405 with Allow.
        acknowledgeFallback(resource.addMethod('ANY', fallback));
      }
    }
    acknowledgeFallback(this.api.root.addMethod('ANY', fallback));
    const proxy = this.api.root.addResource('{proxy+}');
    acknowledgeFallback(proxy.addMethod('ANY', fallback));

    for (const response of gatewayResponses) {
      const problem = gatewayProblem(response.type, '$context.requestId');
      this.api.addGatewayResponse(`Gateway${pascal(response.type.toLowerCase())}`, {
        type: apigw.ResponseType.of(response.type),
        ...(response.type.startsWith('DEFAULT_') ? {} : { statusCode: String(problem.statusCode) }),
        responseHeaders: {
          'Content-Type': "'application/problem+json'",
          'Cache-Control': "'no-store'",
          ...('retryAfter' in response ? { 'Retry-After': `'${response.retryAfter}'` } : {}),
        },
        templates: { 'application/json': problem.body },
      });
    }

    if (props.apiDomain) this.#domain('ApiDomain', props.apiDomain);
    if (props.hospital?.domain) this.#domain('HospitalDomain', props.hospital.domain, props.hospital.domain);
  }

  /**
   * REST API logs (access and execution) need an account-level role API Gateway assumes, per
   * region: ours may write only to this API's two log groups. The execution group is created
   * first, by the name API Gateway uses, so it is encrypted and expires.
   */
  #logging(props: FrontDoorProps): void {
    const stack = Stack.of(this);
    const executionLogs = props.newLogGroup(
      'ExecutionLogs',
      `API-Gateway-Execution-Logs_${this.api.restApiId}/${props.config.stage}`,
    );
    const role = new iam.Role(this, 'LogsRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway (account setting): writes the patient-onboarding API logs',
    });
    const logStatements = [
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
        ],
        resources: [props.accessLogs.logGroupArn, executionLogs.logGroupArn],
      }),
      new iam.PolicyStatement({
        actions: ['logs:DescribeLogGroups'],
        resources: [
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    ];
    const policy = new iam.ManagedPolicy(this, 'LogsPolicy', { roles: [role], statements: logStatements });
    const account = new apigw.CfnAccount(this, 'Account', { cloudWatchRoleArn: role.roleArn });
    // API Gateway checks the role's permissions when the setting is made: the policy first.
    account.node.addDependency(policy);
    this.stage.node.addDependency(account, executionLogs);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${stack.region}:<AWS::AccountId>:log-group:*]`,
      reason:
        'logs:DescribeLogGroups is authorized on the log-group space only; it lists names and reads no log data.',
    });
  }

  /** A regional custom domain (TLS 1.2) mapped at its root to the stage; mutual TLS with a truststore. */
  #domain(id: string, domain: CustomDomain, mutualTls: MutualTls = {}): apigw.DomainName {
    const { truststoreUri, truststoreVersion, ownershipCertificateArn } = mutualTls;
    const created = new apigw.DomainName(this, id, {
      domainName: domain.name,
      certificate: acm.Certificate.fromCertificateArn(this, `${id}Certificate`, domain.certificateArn),
      endpointType: apigw.EndpointType.REGIONAL,
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      ...(truststoreUri
        ? {
            mtls: {
              bucket: truststoreBucket(this, id, truststoreUri),
              key: truststoreKey(truststoreUri),
              ...(truststoreVersion ? { version: truststoreVersion } : {}),
            },
          }
        : {}),
    });
    if (ownershipCertificateArn) {
      (created.node.defaultChild as apigw.CfnDomainName).ownershipVerificationCertificateArn =
        ownershipCertificateArn;
    }
    created.addBasePathMapping(this.api, { stage: this.stage });
    // What the domain's DNS record points at (a CNAME), docs/deploy-china.md.
    new CfnOutput(this, `${id}Target`, {
      value: created.domainNameAliasDomainName,
      description: `CNAME ${domain.name} to this`,
    });
    return created;
  }
}

/** Stage findings that do not fit an API of Lambda proxies serving per-person data. */
const STAGE_ACKNOWLEDGEMENTS: ReadonlyArray<readonly [string, string]> = [
  ...['HIPAA.Security', 'NIST.800.53.R5'].flatMap((pack) => [
    [
      `${pack}-APIGWCacheEnabledAndEncrypted`,
      'No stage cache: every answer is per person and must reflect logout, revocation and consent changes at once; nothing is cached to encrypt.',
    ] as const,
    [
      `${pack}-APIGWSSLEnabled`,
      'Backend client certificates authenticate API Gateway to HTTP backends; every integration here is a Lambda proxy invoked through IAM (a resource-based permission on each function).',
    ] as const,
  ]),
  [
    'HIPAA.Security-APIGWXrayEnabled',
    "Off: traces keep request paths, which carry card and hospital ids, outside our encrypted log groups; the access log (no path) and the functions' structured logs carry the request id end to end.",
  ],
];

/** Hospital routes answer only the configured networks; every other route, anyone. */
function resourcePolicy(
  hospitalRoutes: ReadonlyArray<RouteDefinition>,
  cidrs: readonly string[],
): iam.PolicyDocument {
  const arn = (route: RouteDefinition) =>
    `execute-api:/*/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        effect: iam.Effect.ALLOW,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
      }),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: hospitalRoutes.map(arn),
        conditions: { NotIpAddress: { 'aws:SourceIp': [...cidrs] } },
      }),
    ],
  });
}

function acknowledgeFallback(method: apigw.Method): void {
  for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
    Validations.of(method).acknowledge({
      id,
      reason: 'The catch-all only answers 404/405 problems; it serves no data.',
    });
  }
}

function truststoreBucket(scope: Construct, id: string, uri: string) {
  const bucket = /^s3:\/\/([^/]+)\//.exec(uri)?.[1];
  if (!bucket) throw new Error(`hospitalTruststoreUri must be s3://bucket/key, got ${uri}`);
  // Imported: the truststore bucket is the operator's (docs/deploy-china.md).
  return s3.Bucket.fromBucketName(scope, `${id}Truststore`, bucket);
}

function truststoreKey(uri: string): string {
  return uri.replace(/^s3:\/\/[^/]+\//, '');
}
