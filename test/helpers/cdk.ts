import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';

export interface Violation {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly paths: readonly string[];
}

/** An app for tests: no asset bundling (esbuild is exercised by `npm run synth` and the bench). */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    outdir: mkdtempSync(join(tmpdir(), 'po-cdk-')),
    context: { 'aws:cdk:bundling-stacks': [], region: 'cn-north-1', stage: 'prod', ...context },
  });
}

/**
 * Synthesises and returns what the policy-validation plugins (cdk-nag) reported. CDK throws when a
 * plugin fails; the report it leaves in the cloud assembly lists each violation.
 */
export function synthViolations(app: App): Violation[] {
  try {
    app.synth();
  } catch (error) {
    if (
      !(error instanceof Error && /ValidationFailed|Validation failed/.test(`${error.name} ${error.message}`))
    ) {
      throw error;
    }
  }
  const reportFile = join(app.outdir, 'validation-report.json');
  if (!existsSync(reportFile)) return [];
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
    pluginReports: Array<{
      pluginName: string;
      violations: Array<{
        ruleName: string;
        severity: string;
        violatingConstructs: Array<{ constructPath: string }>;
      }>;
    }>;
  };
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.map((v) => ({
      plugin: plugin.pluginName,
      rule: v.ruleName,
      severity: v.severity,
      paths: v.violatingConstructs.map((c) => c.constructPath),
    })),
  );
}
