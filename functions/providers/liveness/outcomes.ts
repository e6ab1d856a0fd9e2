/**
 * What a face check came to, whichever provider ran it. `unfinished` is the only one that is not
 * final: the person has not completed the check yet (or closed the page while it is still open).
 */
export const outcomeKinds = [
  'passed',
  'unfinished',
  'expired',
  'abandoned',
  'identity_mismatch',
  'not_live',
  'face_mismatch',
  'no_record',
  'document_problem',
  'retry_limit',
  'failed',
] as const;
export type OutcomeKind = (typeof outcomeKinds)[number];

export interface LivenessOutcome {
  readonly kind: OutcomeKind;
  /** The provider's own code, e.g. `tencent:1002`, `aliyun:205`: stored and exported as is. */
  readonly code: string;
  /** Whether the provider charges for this outcome (metrics and cost reports). */
  readonly billed: boolean;
  /** The face-to-photo similarity the provider reports (0–100), when it does. */
  readonly similarity?: number | undefined;
}

const outcome = (kind: OutcomeKind, code: string, billed: boolean, similarity?: number): LivenessOutcome => ({
  kind,
  code,
  billed,
  ...(similarity !== undefined ? { similarity } : {}),
});

function score(value: unknown): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' ? Number.parseFloat(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 && n <= 100 ? Math.round(n * 100) / 100 : undefined;
}

/**
 * Tencent FaceID, `GetDetectInfoEnhanced` `Text.ErrCode` (InfoType 1: text only), from the code
 * table of its H5 and mini-program flows. Billed: 0 (pass), 2006 (name and ID number disagree),
 * 2016 (similarity below the threshold) and 1002 (suspected not live). Not billed: 15 token
 * expired, 16 retry limit, 17 flow unfinished, 301–303 ID card problems, 1001–1008 liveness and
 * 2001–2011 comparison errors, of which 2005 (no identity record) and 2007–2009 (no usable photo)
 * send the person to the counter and 2002/2003 (name or number wrong) are a mismatch. No ErrCode
 * yet: the person has not finished.
 */
export function tencentOutcome(text: {
  readonly ErrCode?: number | null;
  readonly Sim?: string | number | null;
}): LivenessOutcome {
  const code = text.ErrCode;
  const sim = score(text.Sim);
  if (code === null || code === undefined) return outcome('unfinished', 'tencent:none', false);
  const c = `tencent:${code}`;
  if (code === 0) return outcome('passed', c, true, sim);
  if (code === 2006) return outcome('identity_mismatch', c, true, sim);
  if (code === 2016) return outcome('face_mismatch', c, true, sim);
  if (code === 1002) return outcome('not_live', c, true, sim);
  if (code === 15) return outcome('expired', c, false);
  if (code === 16) return outcome('retry_limit', c, false);
  if (code === 17) return outcome('unfinished', c, false);
  if (code >= 301 && code <= 303) return outcome('document_problem', c, false);
  if (code === 2005 || code === 2007 || code === 2008 || code === 2009) return outcome('no_record', c, false);
  if (code === 2002 || code === 2003) return outcome('identity_mismatch', c, false);
  return outcome('failed', c, false, sim);
}

/**
 * Alibaba Cloud `DescribeFaceVerify` (cloudauth 2019-03-07). With `Code` 200, `Passed` decides and
 * `SubCode` says why: 200 pass, 201 name and ID number disagree, 202 no identity record, 203 no
 * usable photo on record (both: the counter), 204 the face is someone else's, 205 liveness risk.
 * Other codes that are outcomes, not outages: 403 not finished, 424 no completed record (asked
 * once the person is back from the page or SDK: they gave up), 418 too many failures today, 417
 * the comparison source cannot be used (the counter), 427 refused by risk policy.
 * Billed when a comparison was made (SubCodes 200, 201, 204, 205): our reading of its price
 * list. Only `verifyScore` is read from MaterialInfo; its picture fields are dropped unread.
 * Undefined for a code that is an outage (the caller's LivenessUnavailableError).
 */
export function aliyunOutcome(response: {
  readonly Code?: string | number | null;
  readonly ResultObject?: {
    readonly Passed?: string | null;
    readonly SubCode?: string | null;
    readonly MaterialInfo?: string | null;
  } | null;
}): LivenessOutcome | undefined {
  const top = String(response.Code ?? '');
  switch (top) {
    case '200':
      break;
    case '403':
      return outcome('unfinished', `aliyun:${top}`, false);
    case '424':
      return outcome('abandoned', `aliyun:${top}`, false);
    case '418':
      return outcome('retry_limit', `aliyun:${top}`, false);
    case '417':
      return outcome('no_record', `aliyun:${top}`, false);
    case '427':
      return outcome('failed', `aliyun:${top}`, false);
    default:
      return undefined;
  }
  const result = response.ResultObject ?? {};
  let sim: number | undefined;
  try {
    sim = score((JSON.parse(result.MaterialInfo ?? '{}') as { verifyScore?: unknown }).verifyScore);
  } catch {
    sim = undefined;
  }
  const sub = result.SubCode ?? undefined;
  const c = `aliyun:${sub ?? 'none'}`;
  if (result.Passed === 'T') return outcome('passed', c, true, sim);
  switch (sub) {
    case undefined:
    case '':
      return outcome('unfinished', c, false);
    case '201':
      return outcome('identity_mismatch', c, true, sim);
    case '202':
    case '203':
      return outcome('no_record', c, false);
    case '204':
      return outcome('face_mismatch', c, true, sim);
    case '205':
      return outcome('not_live', c, true, sim);
    default:
      return outcome('failed', c, false, sim);
  }
}
