/**
 * The problem catalogue: every stable error code with its HTTP status and its title and detail in
 * zh-CN and en. Adding a code here is the only step needed to make it renderable.
 */
export type Lang = 'zh-CN' | 'en';

export interface ProblemSpec {
  readonly status: number;
  readonly title: Readonly<Record<Lang, string>>;
  readonly detail: Readonly<Record<Lang, string>>;
}

export const problemCatalog = {
  invalid_request: {
    status: 400,
    title: { 'zh-CN': '请求参数无效', en: 'Invalid request' },
    detail: {
      'zh-CN': '请求中有字段缺失或格式不正确，请检查 errors 中列出的字段。',
      en: 'Some fields are missing or malformed; see the fields listed in errors.',
    },
  },
  malformed_json: {
    status: 400,
    title: { 'zh-CN': '请求体不是有效的 JSON', en: 'Malformed JSON body' },
    detail: { 'zh-CN': '请求体无法解析为 JSON。', en: 'The request body could not be parsed as JSON.' },
  },
  unsupported_media_type: {
    status: 415,
    title: { 'zh-CN': '不支持的内容类型', en: 'Unsupported media type' },
    detail: {
      'zh-CN':
        '请求体的内容类型不是该接口接受的类型（application/json；令牌端点为表单 application/x-www-form-urlencoded）。',
      en: 'The body is not of the type this operation takes (application/json; the token endpoint takes a form, application/x-www-form-urlencoded).',
    },
  },
  payload_too_large: {
    status: 413,
    title: { 'zh-CN': '请求体过大', en: 'Payload too large' },
    detail: { 'zh-CN': '请求体超过允许的最大长度。', en: 'The request body exceeds the allowed size.' },
  },
  not_found: {
    status: 404,
    title: { 'zh-CN': '接口不存在', en: 'Not found' },
    detail: { 'zh-CN': '没有与该路径匹配的接口。', en: 'No endpoint matches this path.' },
  },
  method_not_allowed: {
    status: 405,
    title: { 'zh-CN': '不支持该请求方法', en: 'Method not allowed' },
    detail: {
      'zh-CN': '该路径不支持此请求方法，请参考 Allow 响应头。',
      en: 'This path does not support the method; see the Allow header.',
    },
  },
  phone_invalid: {
    status: 400,
    title: { 'zh-CN': '手机号无效', en: 'Invalid phone number' },
    detail: {
      'zh-CN': '请输入中国大陆 11 位手机号。',
      en: 'Enter an 11-digit mainland China mobile number.',
    },
  },
  captcha_required: {
    status: 403,
    title: { 'zh-CN': '需要安全验证', en: 'Captcha required' },
    detail: {
      'zh-CN': '请完成图形验证后重新获取验证码。',
      en: 'Complete the captcha, then request the code again.',
    },
  },
  captcha_invalid: {
    status: 403,
    title: { 'zh-CN': '安全验证未通过', en: 'Captcha failed' },
    detail: {
      'zh-CN': '图形验证未通过或已过期，请重试。',
      en: 'The captcha failed or expired; please try again.',
    },
  },
  otp_resend_too_soon: {
    status: 429,
    title: { 'zh-CN': '发送过于频繁', en: 'Too soon to resend' },
    detail: { 'zh-CN': '验证码已发送，请稍后再试。', en: 'A code was just sent; wait before asking again.' },
  },
  rate_limited: {
    status: 429,
    title: { 'zh-CN': '请求过于频繁', en: 'Too many requests' },
    detail: { 'zh-CN': '请求次数超过限制，请稍后再试。', en: 'Too many requests; please retry later.' },
  },
  sms_unavailable: {
    status: 503,
    title: { 'zh-CN': '短信服务暂不可用', en: 'SMS unavailable' },
    detail: {
      'zh-CN': '短信暂时无法发送，请稍后再试。',
      en: 'Text messages cannot be sent right now; please retry later.',
    },
  },
  otp_invalid: {
    status: 400,
    title: { 'zh-CN': '验证码错误', en: 'Wrong code' },
    detail: { 'zh-CN': '验证码不正确或已失效。', en: 'The code is wrong or no longer valid.' },
  },
  otp_expired: {
    status: 400,
    title: { 'zh-CN': '验证码已过期', en: 'Code expired' },
    detail: { 'zh-CN': '验证码已过期，请重新获取。', en: 'The code has expired; request a new one.' },
  },
  otp_exhausted: {
    status: 400,
    title: { 'zh-CN': '验证码已失效', en: 'Code used up' },
    detail: {
      'zh-CN': '错误次数过多，该验证码已失效，请重新获取。',
      en: 'Too many wrong tries; request a new code.',
    },
  },
  policy_acceptance_required: {
    status: 428,
    title: { 'zh-CN': '请阅读并同意隐私政策', en: 'Privacy policy acceptance required' },
    detail: {
      'zh-CN': '注册前需同意当前版本的隐私政策（见 policyVersion）。',
      en: 'Accept the current privacy policy (policyVersion) to register.',
    },
  },
  unauthorized: {
    status: 401,
    title: { 'zh-CN': '未登录或登录已失效', en: 'Not signed in' },
    detail: { 'zh-CN': '请重新登录。', en: 'Sign in again.' },
  },
  token_expired: {
    status: 401,
    title: { 'zh-CN': '访问令牌已过期', en: 'Access token expired' },
    detail: {
      'zh-CN': '请获取新的访问令牌：应用用刷新令牌，医院系统重新向令牌端点申请。',
      en: 'Get a new access token: apps with their refresh token, hospital systems from the token endpoint again.',
    },
  },
  refresh_token_invalid: {
    status: 401,
    title: { 'zh-CN': '刷新令牌无效', en: 'Invalid refresh token' },
    detail: {
      'zh-CN': '刷新令牌无效、已过期或会话已退出，请重新登录。',
      en: 'The refresh token is invalid, expired or signed out; sign in again.',
    },
  },
  refresh_token_reused: {
    status: 401,
    title: { 'zh-CN': '刷新令牌被重复使用', en: 'Refresh token reused' },
    detail: {
      'zh-CN': '为保护账号安全，该会话已退出，请重新登录。',
      en: 'For your safety this session was signed out; sign in again.',
    },
  },
  phone_taken: {
    status: 409,
    title: { 'zh-CN': '手机号已被使用', en: 'Phone number in use' },
    detail: { 'zh-CN': '该手机号已绑定其他账号。', en: 'This number belongs to another account.' },
  },
  phone_unchanged: {
    status: 409,
    title: { 'zh-CN': '新号码与当前号码相同', en: 'Same number' },
    detail: {
      'zh-CN': '新手机号与账号当前绑定的号码相同。',
      en: 'The new number is the one the account already has.',
    },
  },
  phone_recovery_unavailable: {
    status: 409,
    title: { 'zh-CN': '无法通过实名信息找回', en: 'Recovery needs real-name verification' },
    detail: {
      'zh-CN':
        '账号未完成实名认证，无法凭身份信息更换手机号。请提交“无法登录”的个人信息权利申请，由人工处理。',
      en: 'The account is not real-name verified, so nothing proves who you are. Submit a “cannot log in” rights request and our staff will help.',
    },
  },
  phone_recovery_pending: {
    status: 409,
    title: { 'zh-CN': '已有待生效的换号申请', en: 'A number change is pending' },
    detail: {
      'zh-CN': '账号已有一个等待生效的换号申请，请先取消或等待其完成。',
      en: 'The account already has a pending move to another number; cancel it or wait for it.',
    },
  },
  phone_recovery_blocked: {
    status: 409,
    title: { 'zh-CN': '暂不能发起换号申请', en: 'Number recovery is barred for now' },
    detail: {
      'zh-CN': '最近一次换号申请已被取消，7 天内需验证当前手机号才能再次发起。',
      en: 'A recent move to another number was cancelled; for 7 days a new one needs a code to the current number.',
    },
  },
  phone_recovery_not_found: {
    status: 404,
    title: { 'zh-CN': '没有待生效的换号申请', en: 'No pending number change' },
    detail: {
      'zh-CN': '账号没有等待生效的换号申请，它可能已被取消。',
      en: 'The account has no pending move to another number; it may have been cancelled.',
    },
  },
  phone_recovery_not_due: {
    status: 409,
    title: { 'zh-CN': '换号申请尚未到生效时间', en: 'Not yet due' },
    detail: {
      'zh-CN': '为保护账号安全，换号申请需等待期满后才能完成，请在 retryAfter 秒后再试。',
      en: 'To protect the account, the move completes only after the waiting period; try again after retryAfter seconds.',
    },
  },
  phone_recovery_other_session: {
    status: 403,
    title: { 'zh-CN': '请在发起申请的设备上完成', en: 'Complete it where you started it' },
    detail: {
      'zh-CN': '换号申请只能由发起它的登录会话完成。',
      en: 'Only the session that started the move can complete it.',
    },
  },
  session_not_found: {
    status: 404,
    title: { 'zh-CN': '会话不存在', en: 'Session not found' },
    detail: { 'zh-CN': '没有找到该会话。', en: 'No such session.' },
  },
  identity_invalid: {
    status: 400,
    title: { 'zh-CN': '身份信息格式不正确', en: 'Invalid identity details' },
    detail: {
      'zh-CN': '请检查姓名和证件号码（见 reason）。',
      en: 'Check the name and ID number (see reason).',
    },
  },
  identity_minor: {
    status: 422,
    title: { 'zh-CN': '未满 14 周岁不能自行实名认证', en: 'Under 14: cannot verify own account' },
    detail: {
      'zh-CN': '未满 14 周岁的用户请由监护人在其账号中添加为家庭成员就诊卡。',
      en: 'A guardian should add a person under 14 as a family card on their own account.',
    },
  },
  identity_already_verified: {
    status: 409,
    title: { 'zh-CN': '账号已实名认证', en: 'Already verified' },
    detail: { 'zh-CN': '该账号已完成实名认证。', en: 'This account is already verified.' },
  },
  identity_taken: {
    status: 409,
    title: { 'zh-CN': '证件已被其他账号认证', en: 'ID already verified elsewhere' },
    detail: {
      'zh-CN': '该证件号码已在其他账号完成实名认证。如有疑问请联系客服。',
      en: 'This ID number is verified on another account; contact support if this is wrong.',
    },
  },
  identity_mismatch: {
    status: 422,
    title: { 'zh-CN': '姓名与证件号码不一致', en: 'Name and ID number do not match' },
    detail: { 'zh-CN': '请核对姓名和证件号码后重试。', en: 'Check the name and ID number and try again.' },
  },
  identity_not_found: {
    status: 422,
    title: { 'zh-CN': '未查询到该证件', en: 'ID number not found' },
    detail: {
      'zh-CN': '权威数据库中没有该证件号码的记录。',
      en: 'The identity database has no record of this number.',
    },
  },
  too_many_attempts: {
    status: 429,
    title: { 'zh-CN': '认证次数过多', en: 'Too many attempts' },
    detail: {
      'zh-CN': '今日认证次数已用完，请明天再试。',
      en: 'No verification attempts left today; try tomorrow.',
    },
  },
  verification_unavailable: {
    status: 503,
    title: { 'zh-CN': '实名认证服务暂不可用', en: 'Verification unavailable' },
    detail: {
      'zh-CN': '认证服务暂时无法使用，请稍后再试。',
      en: 'The verification service is unavailable; please retry later.',
    },
  },
  redirect_uri_not_allowed: {
    status: 400,
    title: { 'zh-CN': '回调地址不被允许', en: 'Redirect URI not allowed' },
    detail: {
      'zh-CN': 'redirectUri 必须与配置的地址完全一致。',
      en: 'redirectUri must exactly match a configured address.',
    },
  },
  oauth_client_unsupported: {
    status: 400,
    title: { 'zh-CN': '不支持该登录方式', en: 'Login client not supported' },
    detail: {
      'zh-CN': '该第三方平台不支持此客户端类型。',
      en: 'This provider does not support this kind of client.',
    },
  },
  oauth_state_invalid: {
    status: 400,
    title: { 'zh-CN': '登录请求已失效', en: 'Login request invalid' },
    detail: {
      'zh-CN': '登录状态无效、已使用或已过期，请重新发起登录。',
      en: 'The login state is unknown, used or expired; start the login again.',
    },
  },
  oauth_code_invalid: {
    status: 400,
    title: { 'zh-CN': '授权码无效', en: 'Authorization code invalid' },
    detail: {
      'zh-CN': '授权码无效或已过期，请重新授权。',
      en: 'The authorization code is invalid or expired; authorize again.',
    },
  },
  oauth_provider_error: {
    status: 502,
    title: { 'zh-CN': '第三方平台返回错误', en: 'Provider error' },
    detail: {
      'zh-CN': '第三方登录平台返回了错误，请稍后再试。',
      en: 'The login provider returned an error; please retry later.',
    },
  },
  oauth_unavailable: {
    status: 503,
    title: { 'zh-CN': '第三方平台暂不可用', en: 'Provider unavailable' },
    detail: {
      'zh-CN': '无法连接第三方登录平台，请稍后再试。',
      en: 'The login provider cannot be reached; please retry later.',
    },
  },
  oauth_code_used: {
    status: 400,
    title: { 'zh-CN': '登录凭证已被使用', en: 'Login code already used' },
    detail: {
      'zh-CN': '该登录凭证已使用过，请重新发起登录。',
      en: 'This login code has been used; start the login again.',
    },
  },
  oauth_login_refused: {
    status: 403,
    title: { 'zh-CN': '平台拒绝了本次登录', en: 'Login refused by the platform' },
    detail: {
      'zh-CN': '平台判断本次登录存在风险，请使用短信验证码登录。',
      en: 'The platform judged this login risky; log in with an SMS code instead.',
    },
  },
  phone_code_invalid: {
    status: 400,
    title: { 'zh-CN': '手机号授权无效', en: 'Phone authorization invalid' },
    detail: {
      'zh-CN': '手机号授权已过期、已使用或无效，请重新点击按钮授权手机号，或使用短信验证码。',
      en: 'The phone authorization expired, was used or is invalid; tap the button again, or use an SMS code.',
    },
  },
  phone_app_mismatch: {
    status: 400,
    title: { 'zh-CN': '手机号授权来自其他小程序', en: 'Phone authorization from another app' },
    detail: {
      'zh-CN': '该手机号授权不是由本次登录的小程序取得的。',
      en: 'The phone authorization was not obtained by the mini-program of this login.',
    },
  },
  phone_payload_invalid: {
    status: 400,
    title: { 'zh-CN': '手机号数据无法验证', en: 'Phone data could not be verified' },
    detail: {
      'zh-CN': '手机号数据的签名或加密不正确，请重新授权。',
      en: 'The phone data has a wrong signature or encryption; authorize again.',
    },
  },
  phone_not_authorized: {
    status: 403,
    title: { 'zh-CN': '未授权获取手机号', en: 'Phone number not authorized' },
    detail: {
      'zh-CN': '平台未授权本小程序获取该手机号，请使用短信验证码。',
      en: 'The platform did not let this mini-program read the phone number; use an SMS code.',
    },
  },
  bind_token_invalid: {
    status: 401,
    title: { 'zh-CN': '绑定凭证无效', en: 'Bind token invalid' },
    detail: {
      'zh-CN': '绑定手机号的凭证无效或已过期，请重新登录。',
      en: 'The phone-binding token is invalid or expired; log in again.',
    },
  },
  phone_proof_used: {
    status: 409,
    title: { 'zh-CN': '手机号授权已使用', en: 'Phone authorization already used' },
    detail: {
      'zh-CN': '这次手机号授权已经用过，请重新点击获取手机号。',
      en: 'This phone-number authorization was already used; ask for the number again.',
    },
  },
  sms_proof_required: {
    status: 403,
    title: { 'zh-CN': '请用短信验证码确认手机号', en: 'Confirm the number with an SMS code' },
    detail: {
      'zh-CN':
        '该手机号已注册账号。为保护账号安全，请向该号码发送验证码（purpose=bind，携带 bindToken）并通过 bind-phone 完成绑定。',
      en: 'The number already has an account. To protect it, send a code to the number (purpose bind, with the bind token) and finish with bind-phone.',
    },
  },
  attestation_code_invalid: {
    status: 404,
    title: { 'zh-CN': '核验码无效', en: 'Attestation code not valid' },
    detail: {
      'zh-CN': '核验码不存在、已过期、已使用或不是本院的。请让患者在应用中重新生成。',
      en: 'The attestation code is unknown, expired, used or for another hospital; ask the person to show a new one.',
    },
  },
  attestation_document_mismatch: {
    status: 422,
    title: { 'zh-CN': '证件与核验码不符', en: 'Document does not match' },
    detail: {
      'zh-CN': '所见证件号码不是核验码所指之人的，未作记录。',
      en: 'The document number seen is not that of the person the code names; nothing was recorded.',
    },
  },
  patient_ambiguous: {
    status: 409,
    title: { 'zh-CN': '该患者有多个绑定', en: 'Several bindings' },
    detail: {
      'zh-CN': '多个账号绑定了该患者，请用 binding 参数指定其中一个（见 bindings）。',
      en: 'Several accounts bind this patient; name one with the binding parameter (see bindings).',
    },
  },
  card_proof_not_needed: {
    status: 409,
    title: { 'zh-CN': '该就诊卡无需验证', en: 'No proof needed' },
    detail: {
      'zh-CN': '该就诊卡不在等待验证的状态。',
      en: 'This card is not waiting for proof.',
    },
  },
  card_proof_at_counter: {
    status: 409,
    title: { 'zh-CN': '请到医院窗口验证', en: 'Prove it at the counter' },
    detail: {
      'zh-CN': '医院未登记该患者的手机号，无法发送验证码。请生成核验码，携带患者证件到医院窗口办理。',
      en: 'The hospital holds no mobile for this patient; show an attestation code with the patient’s document at the hospital counter.',
    },
  },
  identity_linked_elsewhere: {
    status: 409,
    title: { 'zh-CN': '该第三方账号已绑定其他账号', en: 'Already linked to another account' },
    detail: {
      'zh-CN': '该第三方账号已绑定其他用户。',
      en: 'This provider account is linked to another user.',
    },
  },
  provider_already_linked: {
    status: 409,
    title: { 'zh-CN': '已绑定该平台账号', en: 'Provider already linked' },
    detail: {
      'zh-CN': '该账号已绑定此平台的另一个账号，请先解绑。',
      en: 'This account already has an account of this provider; unlink it first.',
    },
  },
  step_up_required: {
    status: 403,
    title: { 'zh-CN': '需要验证本人手机号', en: 'Verify your own phone' },
    detail: {
      'zh-CN': '请使用发送到本账号手机号的验证码。',
      en: 'Use a code sent to this account’s own phone.',
    },
  },
  link_not_found: {
    status: 404,
    title: { 'zh-CN': '未绑定该平台', en: 'Not linked' },
    detail: { 'zh-CN': '该账号未绑定此平台。', en: 'This account has no link to this provider.' },
  },
  hospital_not_found: {
    status: 404,
    title: { 'zh-CN': '医院不存在', en: 'Hospital not found' },
    detail: { 'zh-CN': '没有该医院。', en: 'No such hospital.' },
  },
  real_name_required: {
    status: 403,
    title: { 'zh-CN': '请先完成实名认证', en: 'Real-name verification required' },
    detail: {
      'zh-CN': '办理就诊卡前请先完成实名认证。',
      en: 'Verify your real name before adding medical cards.',
    },
  },
  card_invalid: {
    status: 400,
    title: { 'zh-CN': '就诊人信息不正确', en: 'Invalid patient details' },
    detail: {
      'zh-CN': '请检查姓名、证件号码、出生日期和手机号（见 reason）。',
      en: 'Check the name, ID number, birth date and phone (see reason).',
    },
  },
  self_mismatch: {
    status: 422,
    title: { 'zh-CN': '本人信息不一致', en: 'Not the verified account holder' },
    detail: {
      'zh-CN': '“本人”就诊卡必须使用账号实名认证的身份。',
      en: "A 'self' card must be for the account's verified identity.",
    },
  },
  minor_relationship: {
    status: 422,
    title: { 'zh-CN': '未满 14 周岁须由监护人办理', en: 'Under 14: guardian relationship required' },
    detail: {
      'zh-CN': '未满 14 周岁的就诊人须为本人的子女或孙子女（或其他亲属且为法定监护人）。',
      en: "A patient under 14 must be the holder's child or grandchild (or another relative with guardianship).",
    },
  },
  guardian_consent_required: {
    status: 428,
    title: { 'zh-CN': '需要监护人同意', en: 'Guardian consent required' },
    detail: {
      'zh-CN': '为未满 14 周岁的就诊人办卡需监护人同意当前隐私政策（见 policyVersion）。',
      en: 'Adding a patient under 14 needs the guardian to accept the current policy (policyVersion).',
    },
  },
  card_exists: {
    status: 409,
    title: { 'zh-CN': '就诊卡已存在', en: 'Card exists' },
    detail: {
      'zh-CN': '您已在该医院为此人办理就诊卡。',
      en: 'This account already has a card for this person at this hospital.',
    },
  },
  card_limit_reached: {
    status: 409,
    title: { 'zh-CN': '就诊卡数量已达上限', en: 'Card limit reached' },
    detail: {
      'zh-CN': '您在该医院的就诊卡数量已达上限（见 cardLimit）。',
      en: 'This account has the most cards this hospital allows (cardLimit).',
    },
  },
  idempotency_key_required: {
    status: 400,
    title: { 'zh-CN': '缺少 Idempotency-Key', en: 'Idempotency-Key required' },
    detail: { 'zh-CN': '请在请求头中提供 Idempotency-Key。', en: 'Send an Idempotency-Key header.' },
  },
  idempotency_key_reused: {
    status: 409,
    title: { 'zh-CN': 'Idempotency-Key 已用于其他请求', en: 'Idempotency-Key reused' },
    detail: {
      'zh-CN': '该 Idempotency-Key 已用于内容不同的请求。',
      en: 'This Idempotency-Key was used for a different request.',
    },
  },
  card_not_found: {
    status: 404,
    title: { 'zh-CN': '就诊卡不存在', en: 'Card not found' },
    detail: { 'zh-CN': '没有找到该就诊卡。', en: 'No such card.' },
  },
  card_changed: {
    status: 409,
    title: { 'zh-CN': '就诊卡已被修改', en: 'Card changed' },
    detail: {
      'zh-CN': '就诊卡状态已变化，请刷新后重试。',
      en: 'The card changed meanwhile; reload and retry.',
    },
  },
  his_unavailable: {
    status: 503,
    title: { 'zh-CN': '医院系统暂不可用', en: 'Hospital system unavailable' },
    detail: {
      'zh-CN': '医院系统暂时无法访问，请稍后再试。',
      en: 'The hospital system cannot be reached; please retry later.',
    },
  },
  invalid_client: {
    status: 401,
    title: { 'zh-CN': '客户端认证失败', en: 'Invalid client' },
    detail: {
      'zh-CN': '客户端 ID 或密钥不正确，或客户端已停用。',
      en: 'Unknown client, wrong secret, or a disabled client.',
    },
  },
  invalid_scope: {
    status: 400,
    title: { 'zh-CN': '权限范围无效', en: 'Invalid scope' },
    detail: {
      'zh-CN': '请求的权限不属于该客户端。',
      en: 'The requested scope is not granted to this client.',
    },
  },
  unsupported_grant_type: {
    status: 400,
    title: { 'zh-CN': '不支持的授权类型', en: 'Unsupported grant type' },
    detail: {
      'zh-CN': '此端点不支持该授权类型。',
      en: 'This endpoint does not support that grant type.',
    },
  },
  invalid_grant: {
    status: 400,
    title: { 'zh-CN': '授权码无效', en: 'Invalid grant' },
    detail: {
      'zh-CN': '授权码不存在、已过期、已使用，或与客户端、回调地址、PKCE 校验值不符。',
      en: 'The code is unknown, expired or used, or does not match the client, redirect URI or PKCE verifier.',
    },
  },
  unauthorized_client: {
    status: 400,
    title: { 'zh-CN': '客户端无权使用此方式', en: 'Unauthorized client' },
    detail: {
      'zh-CN': '该客户端未登记此用法。',
      en: 'This client is not registered for that.',
    },
  },
  invalid_token: {
    status: 401,
    title: { 'zh-CN': '访问令牌无效', en: 'Invalid token' },
    detail: {
      'zh-CN': '访问令牌无效、已过期或已撤销，请重新登录该应用。',
      en: 'The access token is invalid, expired or revoked; sign in to the app again.',
    },
  },
  oidc_client_unknown: {
    status: 400,
    title: { 'zh-CN': '无法登录该应用', en: 'Cannot sign in to this app' },
    detail: {
      'zh-CN': '该应用未登记，或其回调地址与登记的不一致。请从医院官方应用重新进入。',
      en: 'The app is not registered, or its return address differs from the registered one. Start again from the hospital’s official app.',
    },
  },
  oidc_request_not_found: {
    status: 404,
    title: { 'zh-CN': '登录请求已失效', en: 'Sign-in request expired' },
    detail: {
      'zh-CN': '该登录请求不存在、已过期或已完成，请回到应用重新登录。',
      en: 'This sign-in request is unknown, expired or already finished; go back to the app and sign in again.',
    },
  },
  assurance_required: {
    status: 403,
    title: { 'zh-CN': '需要进一步核验身份', en: 'More identity checks needed' },
    detail: {
      'zh-CN': '该应用要求更高的身份核验等级，请先完成实名认证或人脸核验。',
      en: 'This app asks for a higher level of identity assurance: verify your real name or take the face check first.',
    },
  },
  reauthentication_required: {
    status: 403,
    title: { 'zh-CN': '请重新登录', en: 'Sign in again' },
    detail: {
      'zh-CN': '该应用要求您刚刚登录过，请重新登录后继续。',
      en: 'This app asks for a recent sign-in; sign in again to continue.',
    },
  },
  client_consent_required: {
    status: 403,
    title: { 'zh-CN': '需要您的单独同意', en: 'Your separate consent is needed' },
    detail: {
      'zh-CN': '向该应用提供您的个人信息需要您的单独同意。',
      en: 'Giving your personal information to this app needs your separate consent.',
    },
  },
  connected_app_not_found: {
    status: 404,
    title: { 'zh-CN': '未找到该应用', en: 'App not found' },
    detail: {
      'zh-CN': '您没有向该应用提供过信息。',
      en: 'You have not shared information with this app.',
    },
  },
  insufficient_scope: {
    status: 403,
    title: { 'zh-CN': '权限不足', en: 'Insufficient scope' },
    detail: {
      'zh-CN': '访问令牌没有该接口所需的权限。',
      en: 'The token lacks the scope this endpoint needs.',
    },
  },
  patient_not_found: {
    status: 404,
    title: { 'zh-CN': '未找到患者', en: 'Patient not found' },
    detail: { 'zh-CN': '本院没有该患者。', en: 'This hospital has no such patient.' },
  },
  liveness_unavailable: {
    status: 503,
    title: { 'zh-CN': '人脸核验暂不可用', en: 'Face check unavailable' },
    detail: {
      'zh-CN': '人脸核验服务暂时无法使用，请稍后再试，或到医院窗口核验身份。',
      en: 'The face check cannot be used right now; try later, or have your identity checked at a hospital counter.',
    },
  },
  liveness_redirect_not_allowed: {
    status: 400,
    title: { 'zh-CN': '返回地址不被允许', en: 'Return URL not allowed' },
    detail: {
      'zh-CN': 'redirectUrl 必须与配置的地址完全一致。',
      en: 'redirectUrl must exactly match a configured address.',
    },
  },
  liveness_meta_required: {
    status: 400,
    title: { 'zh-CN': '缺少设备信息', en: 'Device information required' },
    detail: {
      'zh-CN': '该核验服务需要客户端 getMetaInfo() 返回的 metaInfo。',
      en: "This check needs the metaInfo the client's getMetaInfo() returns.",
    },
  },
  liveness_not_found: {
    status: 404,
    title: { 'zh-CN': '核验记录不存在', en: 'Check not found' },
    detail: { 'zh-CN': '没有该人脸核验记录。', en: 'There is no such face check.' },
  },
  liveness_unfinished: {
    status: 409,
    title: { 'zh-CN': '人脸核验尚未完成', en: 'Face check not finished' },
    detail: {
      'zh-CN': '尚未完成人脸核验，请在核验页面完成后再查询结果。',
      en: 'The face check is not finished yet; complete it on the check page, then ask again.',
    },
  },
  liveness_expired: {
    status: 410,
    title: { 'zh-CN': '人脸核验已过期', en: 'Face check expired' },
    detail: { 'zh-CN': '本次核验已过期，请重新发起。', en: 'This check has expired; start a new one.' },
  },
  liveness_abandoned: {
    status: 422,
    title: { 'zh-CN': '人脸核验已取消', en: 'Face check abandoned' },
    detail: {
      'zh-CN': '您已退出本次核验，可重新发起。',
      en: 'You left this check; you can start a new one.',
    },
  },
  liveness_not_live: {
    status: 422,
    title: { 'zh-CN': '未通过活体检测', en: 'Liveness not confirmed' },
    detail: {
      'zh-CN': '未能确认为本人实时操作，请在光线充足处按提示重试。',
      en: 'The check could not confirm a live person; try again in good light, following the prompts.',
    },
  },
  liveness_face_mismatch: {
    status: 422,
    title: { 'zh-CN': '人脸比对未通过', en: 'Face does not match' },
    detail: {
      'zh-CN': '人脸与证件照片不一致。须由证件本人完成核验。',
      en: "The face does not match the ID photo; the check must be done by the ID's holder.",
    },
  },
  liveness_no_record: {
    status: 422,
    title: { 'zh-CN': '无法进行人脸比对', en: 'No photo to compare with' },
    detail: {
      'zh-CN': '权威库中没有可用于比对的照片。请携带证件到医院窗口核验身份（见 alternative）。',
      en: 'There is no usable photo on record to compare with; have your identity checked at a hospital counter with your ID (see alternative).',
    },
  },
  liveness_document_problem: {
    status: 422,
    title: { 'zh-CN': '证件信息无法核验', en: 'ID could not be checked' },
    detail: {
      'zh-CN': '证件信息有误或无法核验。请携带证件到医院窗口核验身份（见 alternative）。',
      en: 'The ID details are wrong or cannot be checked; have your identity checked at a hospital counter (see alternative).',
    },
  },
  liveness_failed: {
    status: 422,
    title: { 'zh-CN': '人脸核验未通过', en: 'Face check failed' },
    detail: {
      'zh-CN': '本次人脸核验未通过，可重新发起，或到医院窗口核验身份。',
      en: 'This face check did not pass; start a new one, or have your identity checked at a hospital counter.',
    },
  },
  liveness_self_only: {
    status: 403,
    title: { 'zh-CN': '须由本人核验', en: 'Only the person can be checked' },
    detail: {
      'zh-CN': '年满 14 周岁的就诊人须在本人账号完成人脸核验；监护人只能为未满 14 周岁的子女发起。',
      en: 'People aged 14 or over check themselves from their own account; a guardian may start a check only for a child under 14.',
    },
  },
  real_person_required: {
    status: 403,
    title: { 'zh-CN': '请先完成实人认证', en: 'Real-person verification required' },
    detail: {
      'zh-CN': '该医院办理就诊卡前须完成实人认证（人脸核验或到医院窗口核验）。',
      en: 'This hospital asks for real-person verification (a face check, or at a hospital counter) before it opens cards.',
    },
  },
  consent_required: {
    status: 403,
    title: { 'zh-CN': '需要您的单独同意', en: 'Separate consent required' },
    detail: {
      'zh-CN': '该功能处理敏感个人信息，需要您对该用途单独同意（见 purpose）。',
      en: 'This feature processes sensitive personal information and needs your separate consent to the purpose (see purpose).',
    },
  },
  policy_version_outdated: {
    status: 409,
    title: { 'zh-CN': '隐私政策版本已更新', en: 'Policy version outdated' },
    detail: {
      'zh-CN': '请针对当前版本的隐私政策（见 policyVersion）作出选择。',
      en: 'Respond to the current policy version (see policyVersion).',
    },
  },
  web_session_header_required: {
    status: 403,
    title: { 'zh-CN': '请求来源无法确认', en: 'Request origin not confirmed' },
    detail: {
      'zh-CN': '网页会话接口只接受本站页面发出的请求（需要 X-PO-Web 请求头）。',
      en: 'Web-session routes only accept requests made by this site’s pages (X-PO-Web header).',
    },
  },
  service_stopped: {
    status: 503,
    title: { 'zh-CN': '服务已停止', en: 'The service has stopped' },
    detail: {
      'zh-CN': '本服务已停止运营，不再收集个人信息。您仍可登录查看和下载您的信息，或撤回同意。',
      en: 'This service has stopped and collects no more personal information. You can still sign in to see and download your information, or withdraw consent.',
    },
  },
  deletion_in_progress: {
    status: 409,
    title: { 'zh-CN': '账号正在注销', en: 'Account deletion in progress' },
    detail: {
      'zh-CN': '该账号的注销申请已受理，正在处理。',
      en: 'Deletion of this account has already been requested and is under way.',
    },
  },
  request_not_found: {
    status: 404,
    title: { 'zh-CN': '申请不存在', en: 'Request not found' },
    detail: { 'zh-CN': '没有找到该个人信息权利申请。', en: 'No such rights request.' },
  },
  policy_reconsent_required: {
    status: 428,
    title: { 'zh-CN': '隐私政策已更新，请重新阅读并同意', en: 'Please accept the updated privacy policy' },
    detail: {
      'zh-CN': '隐私政策有重要变更，同意新版本（见 policyVersion）后才能继续使用。',
      en: 'The privacy policy changed materially; accept the new version (policyVersion) to continue.',
    },
  },
  store_unavailable: {
    status: 503,
    title: { 'zh-CN': '服务暂不可用', en: 'Service unavailable' },
    detail: {
      'zh-CN': '数据存储暂时无法访问，请稍后重试。',
      en: 'The data store cannot be reached; please retry later.',
    },
  },
  forbidden: {
    status: 403,
    title: { 'zh-CN': '禁止访问', en: 'Forbidden' },
    detail: {
      'zh-CN': '该请求不被允许（例如来自未登记的网络）。',
      en: 'This request is not allowed (for example, from a network that is not registered).',
    },
  },
  request_blocked: {
    status: 403,
    title: { 'zh-CN': '请求已被拦截', en: 'Request blocked' },
    detail: {
      'zh-CN': '请求被安全防护规则拦截。如有疑问，请携带 requestId 联系我们。',
      en: 'The request was blocked by a protection rule; contact us with the requestId if in doubt.',
    },
  },
  service_unavailable: {
    status: 503,
    title: { 'zh-CN': '服务暂不可用', en: 'Service unavailable' },
    detail: {
      'zh-CN': '服务暂时无法处理请求，请稍后重试。',
      en: 'The service cannot handle the request right now; please retry later.',
    },
  },
  gateway_timeout: {
    status: 504,
    title: { 'zh-CN': '处理超时', en: 'Gateway timeout' },
    detail: {
      'zh-CN': '请求处理超时，请稍后重试。',
      en: 'The request took too long; please retry later.',
    },
  },
  internal_error: {
    status: 500,
    title: { 'zh-CN': '服务器内部错误', en: 'Internal server error' },
    detail: {
      'zh-CN': '服务器发生错误，请携带 requestId 联系我们。',
      en: 'Something went wrong; please contact us with the requestId.',
    },
  },
} as const satisfies Record<string, ProblemSpec>;

export type ProblemCode = keyof typeof problemCatalog;

export function problemSpec(code: string): ProblemSpec {
  return (problemCatalog as Record<string, ProblemSpec>)[code] ?? problemCatalog.internal_error;
}

/**
 * Picks zh-CN or en from an Accept-Language header by q-value; zh-CN is the default for anything
 * that names neither, because the product's users are in mainland China.
 */
export function negotiateLang(header: string | undefined): Lang {
  if (!header) return 'zh-CN';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag: tag.trim().toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'zh-CN';
}
