import { checkCharacter } from '../../../functions/identity/id-number';
import { startAliyunRpcStandin } from './aliyun-sms';
import { listen, readBody, sendJson } from './http';
import { errorResponse, type TencentCredentials, verifyTc3 } from './tencent';

const withCheck = (first17: string) => first17 + checkCharacter(first17);

/**
 * The people the identity stand-ins know (fictional, apart from the published example number).
 * Names that start with `故障` make the provider fail, `超限` hit its daily limit, so every result
 * code can be reached over HTTP.
 */
export const identityFixtures: ReadonlyArray<{ name: string; idNumber: string }> = [
  { name: '张三', idNumber: '11010519491231002X' },
  { name: '李四', idNumber: withCheck('44030519900101123') },
  { name: '王五', idNumber: withCheck('31010419851224567') },
  { name: '阿依古丽·买买提', idNumber: withCheck('65010219920315234') },
  { name: '陈大文', idNumber: withCheck('81000019880808123') },
  { name: 'Maria·Smith', idNumber: withCheck('91115619800101001') },
  { name: '赵小明', idNumber: withCheck('11010120150601123') },
];

type Outcome = 'match' | 'mismatch' | 'not_found' | 'error' | 'limited';

const NUMERALS = '零一二三四五六七八九';
const syntheticName = (idNumber: string) =>
  `压测${[...idNumber.slice(6, 14)].map((d) => NUMERALS[Number(d)]).join('')}`;

/**
 * A population for load tests, as large as needed: the i-th person is born i days after
 * 1960-01-01 (Beijing, Xicheng) and named 压测 and their birth date in numerals. The stand-ins
 * know every one of them.
 */
export function syntheticPerson(i: number): { name: string; idNumber: string } {
  const birth = new Date(Date.UTC(1960, 0, 1) + i * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const idNumber = withCheck(`110102${birth}${String(100 + (i % 800)).padStart(3, '0')}`);
  return { name: syntheticName(idNumber), idNumber };
}

function lookup(name: string, idNumber: string): Outcome {
  if (name.startsWith('故障')) return 'error';
  if (name.startsWith('超限')) return 'limited';
  if (name.startsWith('压测')) return name === syntheticName(idNumber) ? 'match' : 'mismatch';
  const person = identityFixtures.find((p) => p.idNumber === idNumber);
  if (!person) return 'not_found';
  return person.name === name ? 'match' : 'mismatch';
}

/** Stand-in for Tencent FaceID IdCardVerification (2018-03-01). */
export async function startTencentFaceIdStandin(credentials: TencentCredentials) {
  const calls: string[] = [];
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const failure = verifyTc3(req, body, credentials, 'faceid');
    if (failure) return sendJson(res, 200, errorResponse(failure));
    if (req.headers['x-tc-action'] !== 'IdCardVerification' || req.headers['x-tc-version'] !== '2018-03-01') {
      return sendJson(res, 200, errorResponse('InvalidAction'));
    }
    const input = JSON.parse(body) as { IdCard?: string; Name?: string };
    calls.push(input.IdCard ?? '');
    const result = { match: '0', mismatch: '-1', not_found: '-5', error: '-4', limited: '-7' }[
      lookup(input.Name ?? '', input.IdCard ?? '')
    ];
    sendJson(res, 200, {
      Response: { Result: result, Description: `result ${result}`, RequestId: crypto.randomUUID() },
    });
  });
  return { url: server.url, calls, close: server.close };
}

/** Stand-in for Alibaba Cloud Id2MetaVerify (cloudauth 2019-03-07). */
export async function startAliyunCloudauthStandin(credentials: {
  accessKeyId: string;
  accessKeySecret: string;
}) {
  const calls: string[] = [];
  const server = await startAliyunRpcStandin(credentials, (params, res, requestId) => {
    if (
      params.Action !== 'Id2MetaVerify' ||
      params.Version !== '2019-03-07' ||
      params.ParamType !== 'normal'
    ) {
      return sendJson(res, 400, {
        RequestId: requestId,
        Code: 'InvalidAction.NotFound',
        Message: 'no such action',
      });
    }
    calls.push(params.IdentifyNum ?? '');
    const outcome = lookup(params.UserName ?? '', params.IdentifyNum ?? '');
    if (outcome === 'error' || outcome === 'limited') {
      return sendJson(res, 200, {
        RequestId: requestId,
        Code: outcome === 'error' ? '500' : 'Throttling.User',
        Message: outcome,
      });
    }
    const bizCode = { match: '1', mismatch: '2', not_found: '3' }[outcome];
    sendJson(res, 200, {
      RequestId: requestId,
      Code: '200',
      Message: 'success',
      ResultObject: { BizCode: bizCode },
    });
  });
  return { url: server.url, calls, close: server.close };
}
