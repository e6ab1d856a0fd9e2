import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Port: business counters (SMS sent, logins), alarmed on in CloudWatch. */
export interface MetricsSink {
  count(name: BusinessMetric, value?: number): void;
}

export type BusinessMetric =
  | 'SmsSent'
  | 'LoginSucceeded'
  | 'CodeVerifyFailed'
  | 'CaptchaDemanded'
  | 'CaptchaDemandedHard'
  | 'RetentionStripped'
  | 'RightsRequestsOverdue'
  | 'AccountsDeleted'
  | 'AuditChainProblems'
  | 'AuditEntriesPending'
  | 'LivenessStarted'
  | 'LivenessBilled'
  | 'LivenessUnbilled'
  | 'LivenessPassed'
  | 'LinkNoticeFailed'
  | 'PeerWrapFailed'
  | 'RestoreTestPassed'
  | 'RestoreTestFailed'
  | 'IncidentReportDue'
  | 'IncidentSmsSent'
  | 'IncidentSmsUnreachable';

export const noMetrics: MetricsSink = { count: () => undefined };

/**
 * Counters as CloudWatch embedded-metric-format log lines (Powertools): no API call and no IAM
 * permission, flushed once per request by the edge pipeline.
 */
export class EmfMetricsSink implements MetricsSink {
  readonly #metrics: Metrics;
  #pending = 0;

  constructor(namespace: string, service: string) {
    this.#metrics = new Metrics({ namespace, serviceName: service });
  }

  count(name: BusinessMetric, value = 1): void {
    this.#metrics.addMetric(name, MetricUnit.Count, value);
    this.#pending++;
  }

  flush(): void {
    if (this.#pending === 0) return;
    this.#pending = 0;
    this.#metrics.publishStoredMetrics();
  }
}
