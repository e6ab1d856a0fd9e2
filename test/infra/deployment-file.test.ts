import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { testApp } from '../helpers/cdk';

/**
 * The deployment file at synth: checked there (a synth with a broken file fails, naming the
 * field), its domains are the stack's, and every function that reads the table is told to read
 * the site's deployment from it.
 */
const root = join(import.meta.dirname, '..', '..');
// biome-ignore lint/suspicious/noExplicitAny: template fragments, asserted field by field
type Json = Record<string, any>;

describe('synth with a deployment file', () => {
  it('takes the domains from the file and tells every function with table access to read the site', () => {
    const built = buildApp(testApp({ deployment: join(root, 'deploy', 'example.json') }));
    const api = Template.fromStack(built.api);
    api.hasResourceProperties('AWS::ApiGateway::DomainName', { DomainName: 'api.hospital-example.cn' });
    api.hasResourceProperties('AWS::ApiGateway::DomainName', { DomainName: 'his-api.hospital-example.cn' });
    const functions = Object.values(api.findResources('AWS::Lambda::Function')) as Json[];
    const policies = Object.values(api.findResources('AWS::IAM::ManagedPolicy')) as Json[];
    const readsTable = (fn: Json) => {
      const role = fn.Properties.Role['Fn::GetAtt']?.[0];
      return policies.some(
        (p) =>
          (p.Properties.Roles ?? []).some((r: Json) => r.Ref === role) &&
          // The live table's reads (the restore test reads only its scratch tables, `-rt-`).
          (p.Properties.PolicyDocument.Statement as Json[]).some(
            (s) =>
              JSON.stringify(s.Action).includes('dynamodb:GetItem') &&
              !JSON.stringify(s.Resource).includes('-rt-'),
          ),
      );
    };
    const withTable = functions.filter(readsTable);
    expect(withTable.length).toBeGreaterThan(5);
    for (const fn of functions)
      expect(fn.Properties.Environment.Variables.DEPLOYMENT_SOURCE === 'table').toBe(readsTable(fn));
  });

  it('refuses a broken file, naming the field, and domains given twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'po-deploy-'));
    const site = JSON.parse(readFileSync(join(root, 'deploy', 'example.json'), 'utf8'));
    site.hospitals[1].cardLimit = 0;
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(site));
    expect(() => buildApp(testApp({ deployment: join(dir, 'broken.json') }))).toThrow(
      /hospitals\[1\]\.cardLimit/,
    );
    expect(() => buildApp(testApp({ deployment: join(root, 'deploy', 'local.json') }))).toThrow(
      /stage: local, but this is the prod stage/,
    );
    expect(() =>
      buildApp(
        testApp({
          deployment: join(root, 'deploy', 'example.json'),
          apiDomain: 'api.example-hospital.cn',
          apiCertificateArn: site.domains.api.certificateArn,
        }),
      ),
    ).toThrow(/set in .* and in context apiDomain/);
  });
});
