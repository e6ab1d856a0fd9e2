/**
 * The quotas and prices the capacity check uses, each with where it was read and when. `checked:
 * false` marks a figure not found on a primary page in our reference library: it is printed with
 * a `*` and should be confirmed in the console before anyone relies on it.
 */
export interface Cited {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  readonly read: string;
  readonly checked: boolean;
}

const cite = (value: number, unit: string, source: string, read: string, checked = true): Cited => ({
  value,
  unit,
  source,
  read,
  checked,
});

export const quotas = {
  apiGatewayAccountRps: cite(
    10_000,
    'requests/s per account and region (burst 5,000)',
    'https://docs.amazonaws.cn/en_us/apigateway/latest/developerguide/limits.html',
    '2026-12-02',
  ),
  lambdaScalingPer10s: cite(
    1_000,
    'new execution environments per function every 10 s',
    'https://docs.amazonaws.cn/lambda/latest/dg/scaling-behavior.html',
    '2026-12-02',
  ),
  dynamoPartitionWcu: cite(
    1_000,
    'write units/s per partition',
    'https://docs.amazonaws.cn/en_us/amazondynamodb/latest/developerguide/ddb-reads-writes.html',
    '2026-12-02',
  ),
  dynamoOnDemandInitialWru: cite(
    4_000,
    'write units/s a new on-demand table serves at once (more needs warm throughput)',
    'https://docs.amazonaws.cn/amazondynamodb/latest/APIReference/API_WarmThroughput.html',
    '2026-12-02',
  ),
  dynamoOnDemandInitialRru: cite(
    12_000,
    'read units/s a new on-demand table serves at once',
    'https://docs.amazonaws.cn/amazondynamodb/latest/APIReference/API_WarmThroughput.html',
    '2026-12-02',
  ),
  kmsSymmetricRps: cite(
    10_000,
    'Decrypt/GenerateDataKey requests/s per account and region (shared)',
    'https://docs.amazonaws.cn/en_us/kms/latest/developerguide/requests-per-second.html',
    '2026-12-02',
  ),
  kmsAsymmetricSignRps: cite(
    300,
    'Sign with ECC keys, requests/s per account and region (shared)',
    'https://docs.amazonaws.cn/en_us/kms/latest/developerguide/requests-per-second.html',
    '2026-12-02',
    false,
  ),
  tencentCaptchaVerifyRps: cite(
    1_000,
    'DescribeCaptchaResult requests/s (default)',
    'https://cloud.tencent.com/document/product/1110/36926',
    '2026-12-02',
  ),
  smsProviderRps: cite(
    1_000,
    'SendSms requests/s per account (Aliyun dysmsapi; Tencent similar): raise with the provider before a release',
    'https://help.aliyun.com/document_detail/101414.html',
    '2026-12-02',
    false,
  ),
  realNameProviderRps: cite(
    200,
    'two-element checks/s (Tencent FaceID IdCardVerification, default concurrency): raise with the provider',
    'https://cloud.tencent.com/document/product/1007/33188',
    '2026-12-02',
    false,
  ),
} as const;

/** Beijing-region list prices, yuan. */
export const prices = {
  lambdaRequestsPerMillion: cite(
    1.36,
    '¥ per million invocations',
    'https://www.amazonaws.cn/en/lambda/pricing/ (as quoted for Ningxia in public deploy notes; Beijing page not in the library)',
    '2026-12-02',
    false,
  ),
  lambdaGbSecond: cite(
    0.000113477,
    '¥ per GB-second (x86; arm64 is cheaper, so this is an upper bound)',
    'https://www.amazonaws.cn/en/lambda/pricing/ (as quoted for Ningxia in public deploy notes)',
    '2026-12-02',
    false,
  ),
  apiGatewayRestPerMillion: cite(
    28.9,
    '¥ per million REST API calls (first tier)',
    'https://www.amazonaws.cn/en/api-gateway/pricing/',
    '2026-12-02',
    false,
  ),
  wafRequestsPerMillion: cite(
    4.4,
    '¥ per million web requests inspected',
    'https://www.amazonaws.cn/en/waf/pricing/',
    '2026-12-02',
    false,
  ),
  dynamoWriteUnitsPerMillion: cite(
    11.1538,
    '¥ per million write request units (on-demand, Standard)',
    'https://www.amazonaws.cn/en/dynamodb/pricing/',
    '2026-12-02',
  ),
  dynamoReadUnitsPerMillion: cite(
    2.2308,
    '¥ per million read request units (on-demand, Standard; a fifth of a write, as on the global page)',
    'https://www.amazonaws.cn/en/dynamodb/pricing/',
    '2026-12-02',
    false,
  ),
  kmsPer10kRequests: cite(
    0.2,
    '¥ per 10,000 KMS requests',
    'https://www.amazonaws.cn/en/kms/pricing/',
    '2026-12-02',
    false,
  ),
  smsPerMessage: cite(
    0.045,
    '¥ per domestic verification SMS (Aliyun list price; Tencent the same)',
    'https://www.aliyun.com/price/product#/sms/detail',
    '2026-12-02',
    false,
  ),
} as const;
