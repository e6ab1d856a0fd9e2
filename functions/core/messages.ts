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
    detail: { 'zh-CN': '请求体必须是 application/json。', en: 'The request body must be application/json.' },
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
  store_unavailable: {
    status: 503,
    title: { 'zh-CN': '服务暂不可用', en: 'Service unavailable' },
    detail: {
      'zh-CN': '数据存储暂时无法访问，请稍后重试。',
      en: 'The data store cannot be reached; please retry later.',
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
