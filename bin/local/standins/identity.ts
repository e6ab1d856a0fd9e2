import { checkCharacter } from '../../../functions/kernel/person/id-number';
import { startAliyunRpcStandin } from './aliyun-sms';
import { listen, readBody, sendJson } from './http';
import { FACE_IMAGE_MARKER, type LivenessSession, LivenessSessions } from './liveness';
import { errorResponse, type TencentCredentials, verifyTc3 } from './tencent';

const withCheck = (first17: string) => first17 + checkCharacter(first17);

/** In the fixtures below (name and number match) but with no photo in the national database. */
export const withoutPhoto: ReadonlyArray<{ name: string; idNumber: string }> = [
  { name: '周晓光', idNumber: withCheck('32010219870615234') },
  { name: '吴晓红', idNumber: withCheck('32010219880716245') },
  { name: '郑晓东', idNumber: withCheck('32010219890817256') },
];

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
  // Verify by name and number, but the national database holds no photo to compare a face with.
  ...withoutPhoto,
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

const hasPhoto = (idNumber: string) => !withoutPhoto.some((p) => p.idNumber === idNumber);

/**
 * The text result of a Tencent face check (GetDetectInfoEnhanced `Text`): ErrCode from the H5 and
 * mini-program code table, given the person and what happened on the page.
 */
function tencentText(session: LivenessSession, forced: number | undefined) {
  const person = lookup(session.name, session.idNumber);
  let code: number | null;
  let sim: string | null = null;
  if (forced !== undefined) code = forced;
  else if (!session.choice || session.choice === 'abandon')
    code = session.expired ? 15 : session.opened ? 17 : null;
  else if (person === 'mismatch') code = 2006;
  else if (person === 'not_found') code = 2005;
  else if (!hasPhoto(session.idNumber)) code = 2007;
  else if (session.choice === 'not_live') code = 1002;
  else if (session.choice === 'other_person') {
    code = 2016;
    sim = '31.07';
  } else {
    code = 0;
    sim = '92.41';
  }
  return {
    ErrCode: code,
    ErrMsg: code === null ? null : `result ${code}`,
    IdCard: session.idNumber,
    Name: session.name,
    LiveStatus: code === 1002 ? 1002 : code === null ? null : 0,
    Comparestatus: code === 0 ? 0 : code,
    Sim: sim,
    LivenessMode: 2,
  };
}

/** Stand-in for Tencent FaceID (2018-03-01): IdCardVerification, and the DetectAuth face check with its page. */
export async function startTencentFaceIdStandin(credentials: TencentCredentials) {
  const calls: string[] = [];
  const liveness = new LivenessSessions('tencent');
  /** InfoType values asked for in GetDetectInfoEnhanced: a test proves only text (1) ever is. */
  const infoTypes: string[] = [];
  let forced: number | undefined;
  let startsDown = false;
  let base = '';
  const server = await listen(async (req, res) => {
    if (await liveness.route(req, res, '/liveness/tencent')) return;
    const body = await readBody(req);
    const failure = verifyTc3(req, body, credentials, 'faceid');
    if (failure) return sendJson(res, 200, errorResponse(failure));
    if (req.headers['x-tc-version'] !== '2018-03-01')
      return sendJson(res, 200, errorResponse('InvalidAction'));
    const action = req.headers['x-tc-action'];
    if (action === 'DetectAuth') {
      if (startsDown) return sendJson(res, 200, errorResponse('InternalError'));
      const input = JSON.parse(body) as {
        RuleId?: string;
        IdCard?: string;
        Name?: string;
        RedirectUrl?: string;
      };
      if (!input.RuleId) return sendJson(res, 200, errorResponse('InvalidParameter.RuleId'));
      if (!input.IdCard || !input.Name) return sendJson(res, 200, errorResponse('InvalidParameterValue'));
      const session = liveness.open({
        name: input.Name,
        idNumber: input.IdCard,
        returnUrl: input.RedirectUrl,
      });
      return sendJson(res, 200, {
        Response: {
          Url: `${base}liveness/tencent?token=${session.token}`,
          BizToken: session.token,
          RequestId: crypto.randomUUID(),
        },
      });
    }
    if (action === 'GetDetectInfoEnhanced') {
      const input = JSON.parse(body) as { BizToken?: string; RuleId?: string; InfoType?: string };
      const session = liveness.get(input.BizToken ?? '');
      if (!session) return sendJson(res, 200, errorResponse('InvalidParameterValue.BizTokenIllegal'));
      const infoType = input.InfoType ?? '0';
      infoTypes.push(infoType);
      // Images only when asked for (0: everything, 3: best frame): our adapter never asks.
      const wantsImages = infoType.includes('0') || infoType.includes('3') || infoType.includes('2');
      return sendJson(res, 200, {
        Response: {
          Text: tencentText(session, forced),
          IdCardData: wantsImages ? { OcrFront: Buffer.from(FACE_IMAGE_MARKER).toString('base64') } : null,
          BestFrame: wantsImages ? { BestFrame: Buffer.from(FACE_IMAGE_MARKER).toString('base64') } : null,
          RequestId: crypto.randomUUID(),
        },
      });
    }
    if (action !== 'IdCardVerification') return sendJson(res, 200, errorResponse('InvalidAction'));
    const input = JSON.parse(body) as { IdCard?: string; Name?: string };
    calls.push(input.IdCard ?? '');
    const result = { match: '0', mismatch: '-1', not_found: '-5', error: '-4', limited: '-7' }[
      lookup(input.Name ?? '', input.IdCard ?? '')
    ];
    sendJson(res, 200, {
      Response: { Result: result, Description: `result ${result}`, RequestId: crypto.randomUUID() },
    });
  });
  base = server.url;
  return {
    url: server.url,
    calls,
    liveness,
    infoTypes,
    /** Every face check's result carries this ErrCode (16: retry limit), or follows the page again. */
    forceResult(code: number | undefined) {
      forced = code;
    },
    /** DetectAuth answers InternalError (an outage), or works again. */
    failStarts(down: boolean) {
      startsDown = down;
    },
    close: server.close,
  };
}

/** What Aliyun's DescribeFaceVerify answers for a session: its Code, and the ResultObject once done. */
function aliyunResult(session: LivenessSession) {
  if (!session.choice) return { Code: session.expired ? '424' : '403' };
  if (session.choice === 'abandon') return { Code: '424' };
  const person = lookup(session.name, session.idNumber);
  const [passed, sub, score] =
    person === 'mismatch'
      ? ['F', '201', 0]
      : person === 'not_found'
        ? ['F', '202', 0]
        : !hasPhoto(session.idNumber)
          ? ['F', '203', 0]
          : session.choice === 'not_live'
            ? ['F', '205', 12.5]
            : session.choice === 'other_person'
              ? ['F', '204', 28.3]
              : ['T', '200', 93.18];
  return {
    Code: '200',
    ResultObject: {
      Passed: passed,
      SubCode: sub,
      IdentityInfo: null,
      DeviceToken: 'standin-device-token',
      // As Aliyun sends it: the scores beside where the face photo is kept. We read verifyScore only.
      MaterialInfo: JSON.stringify({
        faceAttack: session.choice === 'not_live' ? 'T' : 'F',
        faceOcclusion: 'F',
        verifyScore: score,
        facialPictureFront: {
          pictureUrl: `https://cloudauth-standin.invalid/${FACE_IMAGE_MARKER}.jpg`,
          ossObjectName: `${FACE_IMAGE_MARKER}.jpg`,
        },
      }),
    },
  };
}

/** Stand-in for Alibaba Cloud cloudauth (2019-03-07): Id2MetaVerify, and InitFaceVerify/DescribeFaceVerify with a page. */
export async function startAliyunCloudauthStandin(credentials: {
  accessKeyId: string;
  accessKeySecret: string;
}) {
  const calls: string[] = [];
  const liveness = new LivenessSessions('aliyun');
  const orders = new Set<string>();
  let refuseWith: string | undefined;
  let base = '';
  const server = await startAliyunRpcStandin(
    credentials,
    (params, res, requestId) => {
      const answer = (body: Record<string, unknown>) =>
        sendJson(res, 200, { RequestId: requestId, Message: 'success', ...body });
      if (params.Action === 'InitFaceVerify' && params.Version === '2019-03-07') {
        const valid =
          params.ProductCode === 'ID_PRO' &&
          params.CertType === 'IDENTITY_CARD' &&
          params.Model === 'MOVE_ACTION' &&
          /^\d+$/.test(params.SceneId ?? '') &&
          /^[A-Za-z0-9]{1,32}$/.test(params.OuterOrderNo ?? '') &&
          !!params.CertName &&
          !!params.CertNo &&
          isJson(params.MetaInfo);
        if (!valid) return answer({ Code: '401', Message: '参数非法' });
        if (orders.has(params.OuterOrderNo as string))
          return answer({ Code: '401', Message: 'OuterOrderNo 重复' });
        orders.add(params.OuterOrderNo as string);
        if (refuseWith) return answer({ Code: refuseWith });
        const session = liveness.open({
          name: params.CertName as string,
          idNumber: params.CertNo as string,
          returnUrl: params.ReturnUrl,
        });
        return answer({
          Code: '200',
          ResultObject: {
            CertifyId: session.token,
            CertifyUrl: `${base}liveness/aliyun?token=${session.token}`,
          },
        });
      }
      if (params.Action === 'DescribeFaceVerify' && params.Version === '2019-03-07') {
        const session = liveness.get(params.CertifyId ?? '');
        if (!session || !/^\d+$/.test(params.SceneId ?? ''))
          return answer({ Code: '406', Message: '无效的CertifyId' });
        return answer(aliyunResult(session));
      }
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
    },
    (req, res) => liveness.route(req, res, '/liveness/aliyun'),
  );
  base = server.url;
  return {
    url: server.url,
    calls,
    liveness,
    /** InitFaceVerify answers this Code (418: too many failures today, 417: no comparison source), or works again. */
    refuseWith(code: string | undefined) {
      refuseWith = code;
    },
    close: server.close,
  };
}

function isJson(value: string | undefined): boolean {
  try {
    return value !== undefined && typeof JSON.parse(value) === 'object';
  } catch {
    return false;
  }
}
