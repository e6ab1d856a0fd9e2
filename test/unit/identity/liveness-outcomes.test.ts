import { describe, expect, it } from 'vitest';
import {
  counterAlternative,
  outcomeProblems,
  settleOutcome,
} from '../../../functions/assurance/outcome-rules';
import { problemCatalog } from '../../../functions/core/messages';
import { aliyunOutcome, tencentOutcome } from '../../../functions/providers/liveness/outcomes';

describe('Tencent FaceID result codes', () => {
  it.each([
    [0, 'passed', true],
    [2006, 'identity_mismatch', true],
    [2016, 'face_mismatch', true],
    [1002, 'not_live', true],
    [15, 'expired', false],
    [16, 'retry_limit', false],
    [17, 'unfinished', false],
    [301, 'document_problem', false],
    [302, 'document_problem', false],
    [303, 'document_problem', false],
    [2005, 'no_record', false],
    [2007, 'no_record', false],
    [2008, 'no_record', false],
    [2009, 'no_record', false],
    [2002, 'identity_mismatch', false],
    [2003, 'identity_mismatch', false],
    [1001, 'failed', false],
    [1008, 'failed', false],
    [2001, 'failed', false],
    [2011, 'failed', false],
    [4, 'failed', false],
  ] as const)('ErrCode %s is %s (billed: %s)', (code, kind, billed) => {
    expect(tencentOutcome({ ErrCode: code })).toMatchObject({ kind, billed, code: `tencent:${code}` });
  });

  it('reads no ErrCode as not finished, and the similarity as a number', () => {
    expect(tencentOutcome({ ErrCode: null }).kind).toBe('unfinished');
    expect(tencentOutcome({}).kind).toBe('unfinished');
    expect(tencentOutcome({ ErrCode: 0, Sim: '92.415' }).similarity).toBe(92.42);
    expect(tencentOutcome({ ErrCode: 0, Sim: 'n/a' }).similarity).toBeUndefined();
    expect(tencentOutcome({ ErrCode: 0, Sim: '120' }).similarity).toBeUndefined();
  });
});

describe('Alibaba Cloud DescribeFaceVerify', () => {
  const described = (Passed: string, SubCode: string, verifyScore?: number) =>
    aliyunOutcome({
      Code: '200',
      ResultObject: {
        Passed,
        SubCode,
        MaterialInfo: JSON.stringify({
          verifyScore,
          facialPictureFront: { pictureUrl: 'https://x/face.jpg' },
        }),
      },
    });

  it.each([
    ['T', '200', 'passed', true],
    ['F', '201', 'identity_mismatch', true],
    ['F', '202', 'no_record', false],
    ['F', '203', 'no_record', false],
    ['F', '204', 'face_mismatch', true],
    ['F', '205', 'not_live', true],
    ['F', '299', 'failed', false],
  ] as const)('Passed %s SubCode %s is %s (billed: %s)', (passed, sub, kind, billed) => {
    expect(described(passed, sub, 90)).toMatchObject({ kind, billed, code: `aliyun:${sub}` });
  });

  it('lets Passed decide, reads verifyScore only, and turns outcome codes into outcomes, outages into nothing', () => {
    // Passed is authoritative even beside an odd SubCode.
    expect(described('T', '205', 88.5)).toMatchObject({ kind: 'passed', similarity: 88.5 });
    expect(JSON.stringify(described('T', '200', 88.5))).not.toContain('face.jpg');
    expect(aliyunOutcome({ Code: '403' })?.kind).toBe('unfinished');
    expect(aliyunOutcome({ Code: '424' })?.kind).toBe('abandoned');
    expect(aliyunOutcome({ Code: '418' })?.kind).toBe('retry_limit');
    expect(aliyunOutcome({ Code: '417' })?.kind).toBe('no_record');
    expect(aliyunOutcome({ Code: '427' })?.kind).toBe('failed');
    for (const outage of ['400', '401', '406', '412', '500', undefined])
      expect(aliyunOutcome({ Code: outage })).toBeUndefined();
    expect(
      aliyunOutcome({ Code: '200', ResultObject: { Passed: 'F', MaterialInfo: '{not json' } })?.kind,
    ).toBe('unfinished');
  });
});

describe('outcomes to answers', () => {
  it('expires a check still unfinished after its deadline, and nothing else', () => {
    const unfinished = tencentOutcome({ ErrCode: 17 });
    expect(settleOutcome(unfinished, 1001, 1000).kind).toBe('expired');
    expect(settleOutcome(unfinished, 1000, 1000).kind).toBe('unfinished');
    expect(settleOutcome(tencentOutcome({ ErrCode: 0 }), 5000, 1000).kind).toBe('passed');
  });

  it('answers every failure with a catalogued problem, and offers the counter where a face cannot help', () => {
    for (const code of Object.values(outcomeProblems)) expect(problemCatalog).toHaveProperty(code);
    expect([...counterAlternative].sort()).toEqual(['document_problem', 'no_record']);
  });
});
