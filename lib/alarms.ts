import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  /** The REST API's name and stage: API Gateway's metric dimensions. */
  readonly apiName: string;
  readonly apiStage: string;
  /** AWS WAF's blocked requests on the API (all rules), and the 5-minute sum that pages. */
  readonly wafBlockedRequests: cloudwatch.Metric;
  readonly wafBlockedAlarm: number;
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly metricsNamespace: string;
  readonly globalDailySends: number;
  /** The daily ceiling on face checks started (they are paid per check). */
  readonly globalDailyLivenessStarts: number;
  /** Dead-letter queues: anything in them is work that gave up (HIS registrations, webhooks). */
  readonly deadLetterQueues: ReadonlyMap<string, sqs.IQueue>;
  /** Readers of the table's stream: their lag is the audit chain's and the card follow-ups'. */
  readonly streamConsumers?: readonly lambda.IFunction[];
}

/**
 * What on-call is paged for (docs/deploy-china.md says what each means): API 5xx rate, throttled
 * functions, authorizer errors, the SMS ceiling nearing, and sends that are not followed by
 * verifies (SMS pumping or a broken delivery). Alarms publish to an encrypted SNS topic.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', {
      description: 'patient-onboarding: alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to the encrypted topic through this key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    // EventBridge delivers AWS Backup's job events to the same topic (watchBackups).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true });
    this.watchBackups();
    const notify = new actions.SnsAction(this.topic);
    const alarm = (
      alarmId: string,
      options: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.Metric | cloudwatch.MathExpression },
    ) => {
      const { metric, ...rest } = options;
      const created = metric.createAlarm(this, alarmId, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...rest,
      });
      created.addAlarmAction(notify);
      return created;
    };

    /** Our own counters (embedded-metric-format log lines, functions/core/metrics.ts). */
    const business = (metricName: string, period: Duration, statistic = 'Sum') =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { service: 'patient-onboarding' },
        statistic,
        period,
      });
    const api = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiName: props.apiName, Stage: props.apiStage },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    alarm('Api5xxRate', {
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests >= 20, errors / requests * 100, 0)',
        usingMetrics: { errors: api('5XXError'), requests: api('Count') },
        period: Duration.minutes(5),
        label: '5xx % of requests',
      }),
      threshold: 2,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: 'More than 2% of API requests failed with 5xx for 10 minutes',
    });

    alarm('WafBlockedSpike', {
      metric: props.wafBlockedRequests,
      threshold: props.wafBlockedAlarm,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: `AWS WAF blocked ${props.wafBlockedAlarm} or more requests in 5 minutes: an attack, or a rule refusing real users (check the aws-waf-logs group)`,
    });

    for (const [name, fn] of props.functions) {
      alarm(`${name}Throttles`, {
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `The ${name} function was throttled (reserved concurrency reached)`,
      });
    }
    const authorizer = props.functions.get('authorizer');
    if (authorizer) {
      alarm('AuthorizerErrors', {
        metric: authorizer.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription:
          'The authorizer failed (store or KMS unreachable): signed-in routes are refusing everyone',
      });
    }

    const privacyJobs = props.functions.get('privacy-jobs');
    if (privacyJobs) {
      alarm('PrivacyJobErrors', {
        metric: privacyJobs.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
        threshold: 3,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: 'Privacy jobs keep failing: account deletions or retention are not being done',
      });
    }
    alarm('RightsRequestsOverdue', {
      metric: business('RightsRequestsOverdue', Duration.hours(1), 'Maximum'),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: 'A rights request is past its 15-working-day due date (PIPL art. 50)',
    });

    for (const [name, queue] of props.deadLetterQueues) {
      alarm(`${name}DeadLetters`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `${name}: a message gave up after its retries and waits in the dead-letter queue`,
      });
    }

    for (const fn of props.streamConsumers ?? []) {
      alarm(`${fn.node.id}IteratorAge`, {
        metric: fn.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 5 * 60_000,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `${fn.node.id} is more than 5 minutes behind the table's stream: audit entries unchained, card registrations and events late`,
      });
    }
    alarm('AuditChainProblems', {
      metric: business('AuditChainProblems', Duration.days(1), 'Maximum'),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription:
        'The daily audit check found an edited, missing or unchained entry, or a broken chain (its log names the keys)',
    });

    alarm('RestoreTestFailed', {
      metric: business('RestoreTestFailed', Duration.days(1)),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription:
        'The restore test found a restored backup empty, with items that did not open or a broken audit chain, a restore that did not finish, or no recent backup (its log says which)',
    });
    alarm('RestoreTestMissing', {
      metric: business('RestoreTestPassed', Duration.days(1)),
      threshold: 1,
      evaluationPeriods: 7,
      datapointsToAlarm: 7,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // No run is no pass: a week without one pages, whatever the reason.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: 'No restore test has passed for 7 days (it runs twice a week)',
    });
    // The privacy jobs count, each minute, incidents whose regulator report is due within the hour
    // or late (国家网络安全事件报告管理办法 art. 4: 4 hours for 较大 and above), while any is
    // open; no data is no open incident (a job that fails pages as PrivacyJobErrors).
    alarm('IncidentReportDue', {
      metric: business('IncidentReportDue', Duration.minutes(5), 'Maximum'),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription:
        "An incident's regulator report is due within the hour or late (4 hours from discovery): npm run incident -- report <id>",
    });
    alarm('PeerWrapFailed', {
      metric: business('PeerWrapFailed', Duration.minutes(5)),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription:
        "Data keys were wrapped by this region's key alone (the other region's KMS unreachable): what they sealed will not open from a copy there until re-wrapped",
    });

    // The shared daily ceilings (sharded counters in the table): paged at 80%.
    for (const [id, metricName, ceiling, description] of [
      [
        'SmsCeilingNear',
        'SmsSent',
        props.globalDailySends,
        "Today's SMS sends reached 80% of the global ceiling; at 100% login by SMS stops until midnight UTC",
      ],
      [
        'LivenessCeilingNear',
        'LivenessStarted',
        props.globalDailyLivenessStarts,
        "Today's face checks reached 80% of the daily ceiling; at 100% new checks are refused (the counter alternative stays open)",
      ],
    ] as const) {
      alarm(id, {
        metric: business(metricName, Duration.days(1)),
        threshold: Math.floor(ceiling * 0.8),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: description,
      });
    }
    alarm('SendToVerifyConversionLow', {
      metric: new cloudwatch.MathExpression({
        expression: 'IF(sent >= 50, logins / sent * 100, 100)',
        usingMetrics: {
          sent: business('SmsSent', Duration.hours(1)),
          logins: business('LoginSucceeded', Duration.hours(1)),
        },
        period: Duration.hours(1),
        label: 'logins per 100 codes sent',
      }),
      threshold: 20,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      alarmDescription:
        'Fewer than 20 of 100 codes sent led to a login in the last hour: SMS pumping, or codes not arriving',
    });
  }

  /**
   * AWS Backup's own job events (EventBridge, source `aws.backup`) in this region, where the
   * daily backup and its copy to the other region run: a backup job that failed, expired or was
   * aborted, a copy job that failed, a restore job that failed. Each is one message to on-call
   * naming the job, its state and the reason AWS gives.
   */
  private watchBackups(): void {
    new events.Rule(this, 'BackupJobsFailed', {
      description: 'patient-onboarding: a backup, copy or restore job that did not complete',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Backup Job State Change', 'Copy Job State Change', 'Restore Job State Change'],
        detail: { state: ['FAILED', 'EXPIRED', 'ABORTED'] },
      },
      targets: [
        new targets.SnsTopic(this.topic, {
          message: events.RuleTargetInput.fromText(
            `AWS Backup: ${events.EventField.fromPath('$.detail-type')} ${events.EventField.fromPath('$.detail.state')} in ${events.EventField.fromPath('$.region')}: ${events.EventField.fromPath('$.detail.statusMessage')} (${events.EventField.fromPath('$.resources')})`,
          ),
        }),
      ],
    });
  }
}
