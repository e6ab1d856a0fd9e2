import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * The captcha widget under `npm start`: the same global API as Tencent's TCaptcha.js
 * (`new TencentCaptcha(appId, callback, options).show()`, callback `{ ret: 0, ticket, randstr,
 * appid }` or `{ ret: 2 }` when closed), backed by the captcha stand-in, so the web client's
 * code is the code that runs against Tencent. The puzzle is four digits drawn as an image, and a
 * non-visual alternative (the digits as text, for a screen reader or a read-aloud setting)
 * reachable from a button in the dialog. Served from the page's own origin (its CSP allows only
 * 'self'); in production the web origin allows turing.captcha.qcloud.com instead.
 */
export interface CaptchaWidgetBackend {
  puzzle(appId: number): { puzzleId: string; digits: string } | undefined;
  solve(
    puzzleId: string,
    answer: string,
    ip: string,
  ): { ticket: string; randstr: string; appid: string } | undefined;
}

const WIDGET_PATH = '/captcha/';

export function isCaptchaWidgetPath(path: string): boolean {
  return path.startsWith(WIDGET_PATH);
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const DIGIT_WORDS = {
  'zh-CN': ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'],
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
};

/** The digits drawn a little askew, as an SVG data URL (the page allows `img-src data:`). */
function puzzleImage(digits: string): string {
  const glyphs = [...digits]
    .map(
      (d, i) =>
        `<text x="${18 + i * 34}" y="${38 + (i % 2) * 6}" transform="rotate(${i % 2 ? 8 : -10} ${18 + i * 34} 36)">${d}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="60" viewBox="0 0 160 60"><rect width="160" height="60" fill="#f3f4f6"/><path d="M0 30 Q40 5 80 30 T160 30" stroke="#9ca3af" fill="none"/><g font-family="monospace" font-size="32" fill="#111827">${glyphs}</g></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

export async function serveCaptchaWidget(
  req: IncomingMessage,
  path: string,
  body: Buffer,
  backend: CaptchaWidgetBackend,
): Promise<APIGatewayProxyStructuredResultV2> {
  const route = path.slice(WIDGET_PATH.length);
  if (req.method === 'GET' && route === 'TCaptcha.js') {
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' },
      body: WIDGET_SCRIPT,
    };
  }
  if (req.method === 'GET' && route === 'TCaptcha.css') {
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-store' },
      body: WIDGET_STYLE,
    };
  }
  if (req.method === 'GET' && route.startsWith('puzzle')) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const puzzle = backend.puzzle(Number(url.searchParams.get('appId')));
    if (!puzzle) return json(404, { ret: 1, errorMessage: 'unknown CaptchaAppId' });
    const lang = url.searchParams.get('lang') === 'en' ? 'en' : 'zh-CN';
    return json(200, {
      puzzleId: puzzle.puzzleId,
      image: puzzleImage(puzzle.digits),
      spoken: [...puzzle.digits].map((d) => DIGIT_WORDS[lang][Number(d)]).join(lang === 'en' ? ' ' : '，'),
    });
  }
  if (req.method === 'POST' && route === 'solve') {
    let input: { puzzleId?: unknown; answer?: unknown } = {};
    try {
      input = JSON.parse(body.toString('utf8')) as typeof input;
    } catch {
      return json(400, { ret: 1 });
    }
    const ip = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const solved =
      typeof input.puzzleId === 'string' && typeof input.answer === 'string'
        ? backend.solve(input.puzzleId, input.answer, ip)
        : undefined;
    return solved ? json(200, { ret: 0, ...solved }) : json(200, { ret: 1 });
  }
  return json(404, { ret: 1 });
}

const WIDGET_STYLE = `
.tcaptcha-backdrop{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:1000;padding:16px}
.tcaptcha{background:#fff;color:#111827;max-width:360px;width:100%;border-radius:12px;padding:20px;font-size:18px;line-height:1.5}
.tcaptcha h2{margin:0 0 8px;font-size:20px}
.tcaptcha img{display:block;width:100%;max-width:240px;height:auto;margin:8px 0}
.tcaptcha label{display:block;margin:8px 0 4px}
.tcaptcha input{font-size:20px;min-height:48px;width:100%;box-sizing:border-box;padding:4px 8px}
.tcaptcha button{font-size:18px;min-height:48px;min-width:48px;margin:8px 8px 0 0;padding:0 16px}
.tcaptcha .tcaptcha-error{color:#b91c1c;min-height:1.5em;margin:4px 0}
`;

// Plain script, no build step: it stands where Tencent's hosted TCaptcha.js would be.
const WIDGET_SCRIPT = `(function () {
  var base = (document.currentScript && new URL('.', document.currentScript.src).pathname) || '${WIDGET_PATH}';
  var text = {
    'zh-cn': { title: '安全验证', prompt: '请输入图中的数字', alt: '看不清？使用无障碍验证', altPrompt: '请输入这四个数字：', ok: '确定', close: '关闭', wrong: '不正确，请再试一次', image: '验证图片' },
    en: { title: 'Security check', prompt: 'Type the digits in the picture', alt: 'Cannot see it? Use the accessible check', altPrompt: 'Type these four digits: ', ok: 'OK', close: 'Close', wrong: 'Not right, please try again', image: 'Captcha picture' }
  };
  if (!document.querySelector('link[data-tcaptcha]')) {
    var link = document.createElement('link');
    link.rel = 'stylesheet'; link.href = base + 'TCaptcha.css'; link.setAttribute('data-tcaptcha', '');
    document.head.appendChild(link);
  }
  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content !== undefined) node.textContent = content;
    return node;
  }
  function TencentCaptcha(appId, callback, options) {
    this.appId = String(appId); this.callback = callback; this.options = options || {}; this.root = null;
  }
  TencentCaptcha.prototype.show = function () {
    var self = this;
    var lang = self.options.userLanguage === 'en' ? 'en' : 'zh-cn';
    var t = text[lang];
    var opener = document.activeElement;
    var backdrop = el('div', { class: 'tcaptcha-backdrop' });
    var box = el('div', { class: 'tcaptcha', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'tcaptcha-title' });
    var title = el('h2', { id: 'tcaptcha-title' }, t.title);
    var img = el('img', { alt: t.image });
    var spoken = el('p', { class: 'tcaptcha-spoken', hidden: '', 'aria-live': 'polite' });
    var label = el('label', { for: 'tcaptcha-answer' }, t.prompt);
    var answer = el('input', { id: 'tcaptcha-answer', inputmode: 'numeric', autocomplete: 'off', maxlength: '4' });
    var error = el('p', { class: 'tcaptcha-error', role: 'alert' });
    var ok = el('button', { type: 'button', 'data-tcaptcha': 'ok' }, t.ok);
    var alt = el('button', { type: 'button', 'data-tcaptcha': 'alternative' }, t.alt);
    var close = el('button', { type: 'button', 'data-tcaptcha': 'close' }, t.close);
    var puzzleId = null;
    function load() {
      return fetch(base + 'puzzle?appId=' + encodeURIComponent(self.appId) + '&lang=' + (lang === 'en' ? 'en' : 'zh-CN'))
        .then(function (r) { return r.json(); })
        .then(function (p) { puzzleId = p.puzzleId; img.src = p.image; spoken.textContent = t.altPrompt + p.spoken; answer.value = ''; });
    }
    function finish(result) {
      self.destroy();
      if (opener && opener.focus) opener.focus();
      self.callback(result);
    }
    ok.addEventListener('click', function () {
      fetch(base + 'solve', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ puzzleId: puzzleId, answer: answer.value }) })
        .then(function (r) { return r.json(); })
        .then(function (res) {
          if (res.ret === 0) return finish({ ret: 0, ticket: res.ticket, randstr: res.randstr, appid: res.appid });
          error.textContent = t.wrong; load().then(function () { answer.focus(); });
        });
    });
    answer.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); ok.click(); } });
    alt.addEventListener('click', function () { spoken.hidden = false; img.hidden = true; label.textContent = t.altPrompt.replace(/[：:]\\s*$/, ''); answer.focus(); });
    close.addEventListener('click', function () { finish({ ret: 2, ticket: null }); });
    box.addEventListener('keydown', function (e) { if (e.key === 'Escape') finish({ ret: 2, ticket: null }); });
    [title, img, spoken, label, answer, error, ok, alt, close].forEach(function (n) { box.appendChild(n); });
    backdrop.appendChild(box);
    document.body.appendChild(backdrop);
    self.root = backdrop;
    load().then(function () { answer.focus(); });
  };
  TencentCaptcha.prototype.destroy = function () {
    if (this.root && this.root.parentNode) this.root.parentNode.removeChild(this.root);
    this.root = null;
  };
  window.TencentCaptcha = TencentCaptcha;
})();
`;
