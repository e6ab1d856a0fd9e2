import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { BackupClient, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/** The bootstrap stack version a synth of this app requires (`requiresBootstrapStackVersion` in cdk.out/manifest.json). */
export const MIN_BOOTSTRAP_VERSION = 8;
/** Lambda's "Concurrent executions" quota, for `aws service-quotas request-service-quota-increase`. */
const LAMBDA_CONCURRENCY_QUOTA = 'L-B99A9384';
/** A certificate closer to expiry than this is a warning: renew and re-import it before the deploy's lifetime. */
const CERTIFICATE_WARN_DAYS = 30;

export type Outcome = 'ok' | 'warn' | 'fail';

export interface Check {
  readonly name: string;
  readonly outcome: Outcome;
  readonly detail: string;
  /** What to do about a warning or failure. */
  readonly fix?: string;
}

export interface PreflightInput {
  /** The profile named on the command line, repeated in the fixes printed. */
  readonly profile?: string | undefined;
  /** Where the stacks deploy, and the other China region (backup copies). */
  readonly region: string;
  readonly copyRegion: string;
  readonly stage: string;
  /** What the stage's functions reserve, and what the account quota must be for it. */
  readonly concurrency: { readonly reserved: number; readonly needed: number };
  readonly apiDomain?: { readonly name: string; readonly certificateArn: string } | undefined;
  readonly hospitalDomain?:
    | {
        readonly name: string;
        readonly certificateArn: string;
        readonly truststoreUri?: string | undefined;
        readonly ownershipCertificateArn?: string | undefined;
      }
    | undefined;
  readonly hospitalCidrs: readonly string[];
  readonly now: Date;
}

/** The clients, one per service and region (tests replace them with aws-sdk-client-mock). */
export interface PreflightClients {
  sts(region: string): STSClient;
  cloudFormation(region: string): CloudFormationClient;
  lambda(region: string): LambdaClient;
  backup(region: string): BackupClient;
  acm(region: string): ACMClient;
}

export function sdkClients(profile?: string): PreflightClients {
  const config = (region: string) => ({ region, ...(profile ? { profile } : {}) });
  return {
    sts: (region) => new STSClient(config(region)),
    cloudFormation: (region) => new CloudFormationClient(config(region)),
    lambda: (region) => new LambdaClient(config(region)),
    backup: (region) => new BackupClient(config(region)),
    acm: (region) => new ACMClient(config(region)),
  };
}

/**
 * Read-only checks of an AWS China account before `cdk deploy`: the partition, bootstrap in both
 * regions, the Lambda concurrency quota against what the stage reserves, AWS Backup's DynamoDB
 * settings (cross-region copies), and the certificates the domain context names. Each failure
 * says what to run; nothing here changes the account.
 */
export async function preflight(clients: PreflightClients, input: PreflightInput): Promise<Check[]> {
  const checks: Check[] = [];
  const p = input.profile ? ` --profile ${input.profile}` : '';
  const regions = [input.region, input.copyRegion];

  let account: string;
  try {
    const identity = await clients.sts(input.region).send(new GetCallerIdentityCommand({}));
    account = identity.Account ?? '';
    const partition = /^arn:([^:]+):/.exec(identity.Arn ?? '')?.[1];
    if (partition !== 'aws-cn') {
      checks.push({
        name: 'partition',
        outcome: 'fail',
        detail: `these credentials belong to partition ${partition ?? 'unknown'} (${identity.Arn}), not aws-cn`,
        fix: 'use a profile of your AWS China account (signed in at console.amazonaws.cn), with region cn-north-1 or cn-northwest-1',
      });
      return checks;
    }
    checks.push({
      name: 'partition',
      outcome: 'ok',
      detail: `aws-cn, account ${account} as ${identity.Arn}`,
    });
  } catch (error) {
    checks.push({
      name: 'credentials',
      outcome: 'fail',
      detail: `STS refused: ${describe(error)}`,
      fix: `configure credentials for the China account: aws configure${p} (region ${input.region})`,
    });
    return checks;
  }

  const allowed = ['cn-north-1', 'cn-northwest-1'];
  const outside = regions.filter((r) => !allowed.includes(r));
  checks.push(
    outside.length === 0 && input.region !== input.copyRegion
      ? {
          name: 'regions',
          outcome: 'ok',
          detail: `deploy to ${input.region}, backup copies to ${input.copyRegion}`,
        }
      : {
          name: 'regions',
          outcome: 'fail',
          detail: `regions ${regions.join(', ')}: both China regions are needed, one each`,
          fix: 'set context region to cn-north-1 or cn-northwest-1 and allowedRegions to cn-north-1,cn-northwest-1 (cdk.json)',
        },
  );

  const bootstrap = `npx cdk bootstrap aws://${account}/cn-north-1 aws://${account}/cn-northwest-1${p}`;
  for (const region of regions) {
    checks.push(await bootstrapCheck(clients.cloudFormation(region), region, bootstrap));
  }

  for (const region of regions) {
    checks.push(await concurrencyCheck(clients, region, input, region === input.region, p));
  }

  for (const region of regions) {
    checks.push(await backupCheck(clients.backup(region), region, region === input.region, p));
  }

  for (const [label, domain] of [
    ['apiDomain', input.apiDomain],
    ['hospitalDomain', input.hospitalDomain],
  ] as const) {
    if (!domain) {
      checks.push(
        label === 'apiDomain'
          ? {
              name: 'apiDomain',
              outcome: 'warn',
              detail: 'no apiDomain context: a test deploy on the default execute-api endpoint',
              fix: 'API Gateway in China answers 403 to unauthenticated and Lambda-authorized calls until the account is ICP-whitelisted; for users, deploy with -c apiDomain=<ICP-filed name> -c apiCertificateArn=<imported certificate> (docs/deploy-china.md)',
            }
          : {
              name: 'hospitalDomain',
              outcome: 'warn',
              detail:
                'no hospitalDomain context: hospital routes share the public domain, without mutual TLS',
              fix: 'give hospitals their own name: -c hospitalDomain=… -c hospitalCertificateArn=… -c hospitalTruststoreUri=s3://…',
            },
      );
      continue;
    }
    checks.push(await certificateCheck(clients.acm(input.region), label, domain, input));
  }
  if (input.hospitalDomain?.truststoreUri) {
    checks.push(await ownershipCheck(clients.acm(input.region), input.hospitalDomain, input));
  }
  if (input.hospitalDomain && input.hospitalCidrs.length === 0) {
    checks.push({
      name: 'hospitalCidrs',
      outcome: 'warn',
      detail: 'no hospitalCidrs: the hospital routes accept calls from any network',
      fix: "set -c hospitalCidrs=<the hospitals' egress CIDRs, comma-separated>",
    });
  }
  return checks;
}

async function bootstrapCheck(cfn: CloudFormationClient, region: string, fix: string): Promise<Check> {
  const name = `bootstrap ${region}`;
  let stack: Stack | undefined;
  try {
    stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'CDKToolkit' }))).Stacks?.[0];
  } catch (error) {
    if (!/does not exist/.test(describe(error)))
      return { name, outcome: 'fail', detail: `CloudFormation refused: ${describe(error)}`, fix };
  }
  if (!stack) return { name, outcome: 'fail', detail: 'no CDKToolkit stack', fix };
  const status = stack.StackStatus ?? 'unknown';
  if (!/_COMPLETE$/.test(status) || /ROLLBACK|DELETE/.test(status))
    return {
      name,
      outcome: 'fail',
      detail: `CDKToolkit is ${status}`,
      fix: `fix or delete the CDKToolkit stack in ${region}, then: ${fix}`,
    };
  const version = Number(stack.Outputs?.find((o) => o.OutputKey === 'BootstrapVersion')?.OutputValue ?? 0);
  if (version < MIN_BOOTSTRAP_VERSION)
    return {
      name,
      outcome: 'fail',
      detail: `bootstrap version ${version}, this app needs ${MIN_BOOTSTRAP_VERSION} or later`,
      fix,
    };
  return { name, outcome: 'ok', detail: `CDKToolkit ${status}, version ${version}` };
}

async function concurrencyCheck(
  clients: PreflightClients,
  region: string,
  input: PreflightInput,
  deploysHere: boolean,
  p: string,
): Promise<Check> {
  const name = `lambda concurrency ${region}`;
  const { reserved, needed } = input.concurrency;
  const fix = `aws service-quotas request-service-quota-increase --service-code lambda --quota-code ${LAMBDA_CONCURRENCY_QUOTA} --desired-value ${Math.max(needed, 1000)} --region ${region}${p} (or Service Quotas in the console; China support tickets take days: ask in both regions)`;
  try {
    const settings = await clients.lambda(region).send(new GetAccountSettingsCommand({}));
    const limit = settings.AccountLimit?.ConcurrentExecutions ?? 0;
    const unreserved = settings.AccountLimit?.UnreservedConcurrentExecutions ?? limit;
    if (limit < needed) {
      return {
        name,
        outcome: deploysHere ? 'fail' : 'warn',
        detail: `quota ${limit}; stage ${input.stage} reserves ${reserved} and Lambda keeps 100 unreserved: needs ${needed}${deploysHere ? '' : ' (for a fail-over deploy here)'}`,
        fix,
      };
    }
    if (
      deploysHere &&
      unreserved - 100 < reserved &&
      !(await stackExists(clients.cloudFormation(region), input.stage))
    ) {
      return {
        name,
        outcome: 'warn',
        detail: `quota ${limit}, but other functions already reserve ${limit - unreserved}: ${unreserved} unreserved leaves less than the ${reserved} this stage reserves`,
        fix: `lower other functions' reserved concurrency or raise the quota: ${fix}`,
      };
    }
    return {
      name,
      outcome: 'ok',
      detail: `quota ${limit}, ${unreserved} unreserved; stage ${input.stage} needs ${needed}`,
    };
  } catch (error) {
    return {
      name,
      outcome: 'fail',
      detail: `Lambda refused: ${describe(error)}`,
      fix: 'the profile needs lambda:GetAccountSettings',
    };
  }
}

async function stackExists(cfn: CloudFormationClient, stage: string): Promise<boolean> {
  try {
    const found = await cfn.send(new DescribeStacksCommand({ StackName: `PatientOnboarding-${stage}-Api` }));
    return (found.Stacks?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

async function backupCheck(
  backup: BackupClient,
  region: string,
  deploysHere: boolean,
  p: string,
): Promise<Check> {
  const name = `backup settings ${region}`;
  const fix = `aws backup update-region-settings --resource-type-opt-in-preference DynamoDB=true --resource-type-management-preference DynamoDB=true --region ${region}${p}`;
  try {
    const settings = await backup.send(new DescribeRegionSettingsCommand({}));
    const optedIn = settings.ResourceTypeOptInPreference?.DynamoDB === true;
    // Advanced DynamoDB backup: what cross-region copies need. Off by default for accounts that
    // had a vault before 2021-11-21.
    const advanced = settings.ResourceTypeManagementPreference?.DynamoDB === true;
    if (optedIn && advanced)
      return { name, outcome: 'ok', detail: 'DynamoDB opted in, advanced features on' };
    return {
      name,
      outcome: deploysHere ? 'fail' : 'warn',
      detail: `DynamoDB ${optedIn ? 'opted in' : 'not opted in'}, advanced features ${advanced ? 'on' : 'off'}: ${deploysHere ? 'daily backups cannot be copied to the other region' : 'needed when this region is the primary'}`,
      fix,
    };
  } catch (error) {
    return {
      name,
      outcome: 'fail',
      detail: `AWS Backup refused: ${describe(error)}`,
      fix: 'the profile needs backup:DescribeRegionSettings',
    };
  }
}

async function certificateCheck(
  acm: ACMClient,
  label: string,
  domain: { readonly name: string; readonly certificateArn: string },
  input: PreflightInput,
): Promise<Check> {
  const name = `${label} ${domain.name}`;
  const certificateRegion = domain.certificateArn.split(':')[3];
  if (certificateRegion !== input.region)
    return {
      name,
      outcome: 'fail',
      detail: `the certificate is in ${certificateRegion}; a regional custom domain needs one in ${input.region}`,
      fix: `import the certificate into ACM in ${input.region} and use that ARN`,
    };
  try {
    const { Certificate: cert } = await acm.send(
      new DescribeCertificateCommand({ CertificateArn: domain.certificateArn }),
    );
    if (!cert) return { name, outcome: 'fail', detail: 'ACM returned no certificate', fix: 'check the ARN' };
    const names = [cert.DomainName, ...(cert.SubjectAlternativeNames ?? [])].filter((n): n is string => !!n);
    if (!names.some((n) => covers(n, domain.name)))
      return {
        name,
        outcome: 'fail',
        detail: `the certificate names ${names.join(', ')}, not ${domain.name}`,
        fix: `import a certificate for ${domain.name} (issued by a CA for the ICP-filed name)`,
      };
    if (cert.Status !== 'ISSUED')
      return {
        name,
        outcome: 'fail',
        detail: `certificate status ${cert.Status}`,
        fix: 'import a valid certificate',
      };
    const days = cert.NotAfter ? Math.floor((cert.NotAfter.getTime() - input.now.getTime()) / 86_400_000) : 0;
    if (days < 0)
      return {
        name,
        outcome: 'fail',
        detail: 'the certificate has expired',
        fix: 'renew it and re-import it into the same ARN',
      };
    if (days < CERTIFICATE_WARN_DAYS)
      return {
        name,
        outcome: 'warn',
        detail: `the certificate expires in ${days} days`,
        fix: 'renew it and re-import it into the same ARN',
      };
    return {
      name,
      outcome: 'ok',
      detail: `${cert.Type ?? 'certificate'} for ${names.join(', ')}, ${days} days left`,
    };
  } catch (error) {
    return {
      name,
      outcome: 'fail',
      detail: `ACM refused: ${describe(error)}`,
      fix: 'check the ARN and the profile (acm:DescribeCertificate)',
    };
  }
}

/**
 * Mutual TLS with an imported (or private) certificate: API Gateway also needs a public
 * certificate ACM issued for the name, to prove the domain is ours (OwnershipVerificationCertificateArn).
 */
async function ownershipCheck(
  acm: ACMClient,
  domain: {
    readonly name: string;
    readonly certificateArn: string;
    readonly ownershipCertificateArn?: string | undefined;
  },
  input: PreflightInput,
): Promise<Check> {
  const name = `hospitalOwnershipCertificate ${domain.name}`;
  const request = `aws acm request-certificate --domain-name ${domain.name} --validation-method DNS --region ${input.region}${input.profile ? ` --profile ${input.profile}` : ''}`;
  try {
    const { Certificate: main } = await acm.send(
      new DescribeCertificateCommand({ CertificateArn: domain.certificateArn }),
    );
    if (main?.Type === 'AMAZON_ISSUED' && !domain.ownershipCertificateArn)
      return {
        name,
        outcome: 'ok',
        detail: 'the domain certificate is ACM-issued: no ownership certificate needed',
      };
    if (!domain.ownershipCertificateArn)
      return {
        name,
        outcome: 'fail',
        detail: `mutual TLS with a ${main?.Type ?? 'non-ACM'} certificate needs an ACM-issued public certificate for ${domain.name} to verify ownership`,
        fix: `${request}, validate it in DNS, then -c hospitalOwnershipCertificateArn=<its ARN>`,
      };
    const { Certificate: ownership } = await acm.send(
      new DescribeCertificateCommand({ CertificateArn: domain.ownershipCertificateArn }),
    );
    const names = [ownership?.DomainName, ...(ownership?.SubjectAlternativeNames ?? [])].filter(
      (n): n is string => Boolean(n),
    );
    if (
      ownership?.Type !== 'AMAZON_ISSUED' ||
      ownership.Status !== 'ISSUED' ||
      !names.some((n) => covers(n, domain.name))
    )
      return {
        name,
        outcome: 'fail',
        detail: `the ownership certificate must be ACM-issued, issued and name ${domain.name}; it is ${ownership?.Type ?? '?'}, ${ownership?.Status ?? '?'}, for ${names.join(', ') || 'no name'}`,
        fix: `${request}, validate it in DNS, and pass its ARN`,
      };
    return { name, outcome: 'ok', detail: `ACM-issued, for ${names.join(', ')}` };
  } catch (error) {
    return {
      name,
      outcome: 'fail',
      detail: `could not read the certificates: ${error instanceof Error ? error.name : 'error'}`,
      fix: 'check the ARNs and the profile (acm:DescribeCertificate)',
    };
  }
}

/** Whether a certificate name (possibly `*.example.cn`) covers a host name. */
export function covers(certificateName: string, host: string): boolean {
  const a = certificateName.toLowerCase();
  const b = host.toLowerCase();
  if (a === b) return true;
  if (!a.startsWith('*.')) return false;
  const rest = b.split('.').slice(1).join('.');
  return rest === a.slice(2) && b.split('.').length >= 3;
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return [e.name, e.message].filter(Boolean).join(': ');
}
