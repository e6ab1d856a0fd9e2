import { logIn } from '../api';
import { currentPolicy, navigate, show } from '../app';
import { h, showProblem } from '../dom';
import { t } from '../i18n';
import { codeForms, policyCheckbox, recordTickedConsents, separateConsentBoxes } from './login';

type Outcome = { accessToken?: string; next?: 'bind_phone'; bindToken?: string };

/**
 * The provider sent the browser back to /oauth/callback with `code` and `state`: finish the login
 * with the nonce this tab kept, then either signed in or asked to bind a phone number.
 */
export async function oauthCallbackView(params: URLSearchParams): Promise<void> {
  const status = h('p', { role: 'status' }, t('oauthWorking'));
  show(h('h1', {}, t('loginTitle')), status);
  const kept = JSON.parse(sessionStorage.getItem('oauth') ?? 'null') as {
    provider: string;
    nonce: string;
  } | null;
  sessionStorage.removeItem('oauth');
  history.replaceState(null, '', '/');
  try {
    if (!kept) throw new Error('no login in progress in this tab');
    const outcome = await logIn<Outcome>(`/web/auth/oauth/${kept.provider}/callback`, {
      code: params.get('code') ?? '',
      state: params.get('state') ?? '',
      nonce: kept.nonce,
    });
    if (outcome.next === 'bind_phone' && outcome.bindToken) await bindPhoneView(outcome.bindToken);
    else navigate('#/home');
  } catch (error) {
    const box = h('div', {});
    status.replaceWith(box);
    showProblem(box, error);
  }
}

async function bindPhoneView(bindToken: string): Promise<void> {
  const policy = await currentPolicy();
  const flow = codeForms({
    purpose: 'bind',
    sendExtra: { bindToken },
    submitLabel: t('bind'),
    extra: () => [policyCheckbox(policy.version, policy.textUrl), separateConsentBoxes()],
    finish: async (challenge, form) => {
      const accept = new FormData(form).get('acceptPolicy') === 'on';
      await logIn('/web/auth/oauth/bind-phone', {
        bindToken,
        ...challenge,
        ...(accept ? { acceptPolicyVersion: policy.version } : {}),
      });
      await recordTickedConsents(form, policy.version);
      navigate('#/home');
    },
  });
  show(h('h1', {}, t('bindTitle')), h('p', {}, t('bindIntro')), flow);
}
