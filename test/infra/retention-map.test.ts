import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { REFRESH_COOKIE } from '../../bin/local/web-session';
import { INCIDENT_RETENTION_SECONDS } from '../../functions/incident/dynamo-incident-store';
import { AUDIT_RETENTION_SECONDS } from '../../functions/kernel/audit/audit-entry';
import { ACCESS_RECORD_DAYS } from '../../functions/kernel/retention-marks';
import { testApp } from '../helpers/cdk';

/**
 * The privacy policy map's retention table (docs/privacy-policy-map.md, 3(a)) against what ships:
 * each row's days are read from the synthesized stacks or the code that keeps the promise, so
 * the words and the settings cannot drift apart, and no row is dropped or invented.
 */
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
let api: Resources;
let data: Resources;

beforeAll(() => {
  const built = buildApp(testApp());
  api = Template.fromStack(built.api).toJSON().Resources as Resources;
  data = Template.fromStack(built.data).toJSON().Resources as Resources;
});

const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);
const logGroups = () => ofType(api, 'AWS::Logs::LogGroup');

/** One number from each setting the table may name. */
const settings: Record<string, () => number> = {
  'waf-log': () => {
    const waf = logGroups().filter(([, g]) => String(g.Properties.LogGroupName).startsWith('aws-waf-logs-'));
    expect(waf).toHaveLength(1);
    return waf[0]?.[1].Properties.RetentionInDays;
  },
  'access-log': () => {
    const access = logGroups().filter(([id]) => id.startsWith('AccessLogs'));
    expect(access).toHaveLength(1);
    return access[0]?.[1].Properties.RetentionInDays;
  },
  'function-logs': () => {
    const days = new Set(
      logGroups()
        .filter(([, g]) => String(JSON.stringify(g.Properties.LogGroupName)).includes('/aws/lambda/'))
        .map(([, g]) => g.Properties.RetentionInDays),
    );
    expect(days.size).toBe(1);
    return [...days][0] as number;
  },
  'access-records': () => ACCESS_RECORD_DAYS,
  audit: () => AUDIT_RETENTION_SECONDS / 86_400,
  incident: () => INCIDENT_RETENTION_SECONDS / 86_400,
  backups: () => {
    const rules = ofType(data, 'AWS::Backup::BackupPlan').flatMap(
      ([, p]) => p.Properties.BackupPlan.BackupPlanRule,
    );
    const days = new Set(rules.map((r: any) => r.Lifecycle.DeleteAfterDays));
    expect(days.size).toBe(1);
    return [...days][0] as number;
  },
  // A copy lives until the next run drops it: the longest gap between the schedule's weekdays.
  'restore-test': () => {
    const rule = ofType(api, 'AWS::Events::Rule').find(([id]) => id.startsWith('RestoreTestSchedule'));
    const expression = String(rule?.[1].Properties.ScheduleExpression);
    const days = (/\? \* ([A-Z,]+) \*\)$/.exec(expression)?.[1] ?? '')
      .split(',')
      .map((d) => ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'].indexOf(d))
      .sort();
    expect(days.length).toBeGreaterThan(0);
    return Math.max(...days.map((d, i) => ((days[(i + 1) % days.length] as number) - d + 7) % 7 || 7));
  },
  cookie: () => REFRESH_COOKIE.maxAgeDays,
};

function tableRows(): Array<{ record: string; days: number; setting: string }> {
  const map = readFileSync(new URL('../../docs/privacy-policy-map.md', import.meta.url), 'utf8');
  const section = map.split('### 3(a).')[1]?.split('\n### ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Record') && !line.startsWith('| ---'))
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      return {
        record: cells[1] ?? '',
        days: Number(cells[3]),
        setting: /`([a-z-]+)`/.exec(cells[5] ?? '')?.[1] ?? '',
      };
    });
}

describe('the retention the privacy policy map states', () => {
  it('is what the stacks and the code keep, row by row', () => {
    const rows = tableRows();
    expect(rows.map((r) => r.setting).sort()).toEqual(Object.keys(settings).sort());
    for (const row of rows) expect(settings[row.setting]?.(), row.record).toBe(row.days);
  });

  it('keeps in the WAF log only what a rule blocked or counted, without the query string or credentials', () => {
    const configs = ofType(api, 'AWS::WAFv2::LoggingConfiguration');
    expect(configs).toHaveLength(1);
    const logging: Record<string, any> = configs[0]?.[1] ?? {};
    expect(logging.Properties.LoggingFilter).toEqual({
      DefaultBehavior: 'DROP',
      Filters: [
        {
          Behavior: 'KEEP',
          Requirement: 'MEETS_ANY',
          Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
        },
      ],
    });
    expect(logging.Properties.RedactedFields).toEqual(
      expect.arrayContaining([
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'cookie' } },
        { QueryString: {} },
      ]),
    );
  });

  it('keeps no IP or user agent in the API access log', () => {
    const stage = ofType(api, 'AWS::ApiGateway::Stage')[0]?.[1];
    const format = String(stage?.Properties.AccessLogSetting.Format);
    expect(format).not.toMatch(/sourceIp|userAgent|\$context\.path|xrayTraceId/);
  });
});
