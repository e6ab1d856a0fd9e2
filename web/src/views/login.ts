import { get, logIn, post } from '../api';
import { currentPolicy, navigate, show } from '../app';
import { withCaptcha } from '../captcha';
import { announce, field, fieldValue, h, input, onSubmit, showProblem } from '../dom';
import { type MessageKey, t } from '../i18n';

/** The separate consents offered at login, unticked: sensitive purposes this product uses. */
export const LOGIN_CONSENTS = ['sensitive_identity', 'medical_card'] as const;

export function policyCheckbox(version: string, textUrl: string): HTMLElement {
  return h(
    'div',
    { class: 'check' },
    h('input', { type: 'checkbox', name: 'acceptPolicy', id: 'f-acceptPolicy', required: true }),
    h(
      'label',
      { for: 'f-acceptPolicy' },
      `${t('policyAgree')} `,
      h('a', { href: textUrl, target: '_blank', rel: 'noopener' }, t('policyLink', { version })),
    ),
    h('p', { class: 'error', id: 'f-acceptPolicy-error' }),
  );
}

export function separateConsentBoxes(): HTMLElement {
  return h(
    'fieldset',
    { class: 'consents' },
    h('legend', {}, t('separateConsents')),
    ...LOGIN_CONSENTS.map((purpose) =>
      h(
        'div',
        { class: 'check' },
        h('input', { type: 'checkbox', name: `consent_${purpose}`, id: `f-consent_${purpose}` }),
        h('label', { for: `f-consent_${purpose}` }, t(`consent_${purpose}` as MessageKey)),
      ),
    ),
  );
}

/** After login: the separate consents the person ticked, each its own ledger entry. */
export async function recordTickedConsents(form: HTMLFormElement, version: string): Promise<void> {
  const data = new FormData(form);
  for (const purpose of LOGIN_CONSENTS) {
    if (data.get(`consent_${purpose}`) === 'on') {
      await post('/v1/me/consents', { purpose, policyVersion: version, accepted: true });
    }
  }
}

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

async function startOAuth(provider: 'wechat' | 'qq' | 'weibo'): Promise<void> {
  const nonce = randomNonce();
  const redirectUri = `${location.origin}/oauth/callback`;
  const started = await get<{ authorizeUrl: string }>(
    `/v1/auth/oauth/${provider}/authorize?${new URLSearchParams({ redirectUri, nonce, client: 'web' })}`,
    { auth: false },
  );
  // The nonce binds the provider's answer to this tab: the callback must present it again.
  sessionStorage.setItem('oauth', JSON.stringify({ provider, nonce }));
  location.assign(started.authorizeUrl);
}

/** Countdown on the send button until the API's `resendAfter` has passed. */
function cooldown(button: HTMLButtonElement, seconds: number): void {
  let left = seconds;
  button.disabled = true;
  const tick = () => {
    if (left <= 0) {
      button.disabled = false;
      button.textContent = t('sendCode');
      return;
    }
    button.textContent = t('resendIn', { s: left });
    left--;
    setTimeout(tick, 1000);
  };
  tick();
}

/**
 * Sends a code to a number and then asks for it: used by login, phone binding and step-up.
 * `extra` adds fields to the second form; `finish` gets the challenge, number and code.
 */
export function codeForms(options: {
  purpose: 'login' | 'bind' | 'step_up' | 'privacy_request';
  sendExtra?: Record<string, string>;
  extra?: () => Node[];
  submitLabel: string;
  finish: (
    input: { challengeId: string; phone: string; code: string },
    form: HTMLFormElement,
  ) => Promise<void>;
}): HTMLElement {
  const phoneForm = h(
    'form',
    { class: 'stack', novalidate: true, 'data-form': 'phone' },
    field(
      t('phone'),
      input({
        name: 'phone',
        type: 'tel',
        autocomplete: 'tel-national',
        inputmode: 'numeric',
        required: true,
      }),
      t('phoneHint'),
    ),
    h('button', { type: 'submit' }, t('sendCode')),
  );
  const codeForm = h('form', { class: 'stack', novalidate: true, hidden: true, 'data-form': 'code' });
  let challenge: { challengeId: string; phone: string } | undefined;
  onSubmit(phoneForm, async () => {
    const phone = fieldValue(phoneForm, 'phone');
    const sent = await withCaptcha((captchaTicket) =>
      post<{ challengeId: string; resendAfter: number }>(
        '/v1/auth/sms/send',
        {
          phone,
          purpose: options.purpose,
          ...options.sendExtra,
          ...(captchaTicket ? { captchaTicket } : {}),
        },
        { auth: false },
      ),
    );
    challenge = { challengeId: sent.challengeId, phone };
    codeForm.hidden = false;
    const codeInput = codeForm.querySelector<HTMLInputElement>('[name="code"]');
    codeInput?.focus();
    const sentNote = codeForm.querySelector('.code-sent');
    if (sentNote) {
      // Under `npm start` the local server names where its SMS sender writes (never in the bundle).
      const outbox = document.querySelector<HTMLMetaElement>('meta[name="local-sms-file"]')?.content;
      sentNote.textContent = [t('codeSentTo', { phone }), outbox ? t('localCodeHint', { path: outbox }) : '']
        .filter(Boolean)
        .join(' ');
    }
    announce(t('codeSentTo', { phone }));
    const sendButton = phoneForm.querySelector('button') as HTMLButtonElement;
    queueMicrotask(() => cooldown(sendButton, sent.resendAfter));
  });
  codeForm.append(
    h('p', { class: 'hint code-sent' }),
    field(
      t('code'),
      input({
        name: 'code',
        autocomplete: 'one-time-code',
        inputmode: 'numeric',
        pattern: '\\d{6}',
        maxlength: 6,
        required: true,
      }),
    ),
    ...(options.extra?.() ?? []),
    h('button', { type: 'submit' }, options.submitLabel),
  );
  onSubmit(codeForm, async () => {
    if (!challenge) return;
    await options.finish({ ...challenge, code: fieldValue(codeForm, 'code') }, codeForm);
  });
  return h('div', { class: 'code-flow' }, phoneForm, codeForm);
}

export async function loginView(): Promise<void> {
  const policy = await currentPolicy();
  const flow = codeForms({
    purpose: 'login',
    submitLabel: t('login'),
    extra: () => [policyCheckbox(policy.version, policy.textUrl), separateConsentBoxes()],
    finish: async (challenge, form) => {
      const accept = new FormData(form).get('acceptPolicy') === 'on';
      if (!accept) {
        const error = form.querySelector('#f-acceptPolicy-error');
        if (error) error.textContent = t('required');
        form.querySelector<HTMLInputElement>('#f-acceptPolicy')?.focus();
        return;
      }
      await logIn('/web/auth/sms/verify', { ...challenge, acceptPolicyVersion: policy.version });
      await recordTickedConsents(form, policy.version);
      navigate('#/home');
    },
  });
  const providers = [
    ['wechat', t('withWechat')],
    ['qq', t('withQq')],
    ['weibo', t('withWeibo')],
  ] as const;
  const oauthBox = h('section', { class: 'oauth', 'aria-labelledby': 'oauth-title' });
  oauthBox.append(
    h('h2', { id: 'oauth-title' }, t('orThirdParty')),
    ...providers.map(([provider, label]) =>
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-provider': provider,
          onclick: () => {
            startOAuth(provider).catch((error: unknown) => showProblem(oauthBox, error));
          },
        },
        label,
      ),
    ),
  );
  show(h('h1', {}, t('loginTitle')), flow, oauthBox);
}
