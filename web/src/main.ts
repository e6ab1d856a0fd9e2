import { ApiError, handleReconsent, handleSignedOut, logOut, post, refreshSession, signedIn } from './api';
import { currentPolicy, forgetPolicy, navigate, show } from './app';
import { applyCareMode, careMode, setCareMode } from './care';
import { h, showProblem } from './dom';
import { lang, setLang, t } from './i18n';
import { cardsView } from './views/cards';
import { homeView } from './views/home';
import { identityView, LIVENESS_RETURN_PATH, livenessReturnView } from './views/identity';
import { loginView } from './views/login';
import { noticesView } from './views/notices';
import { oauthCallbackView } from './views/oauth';
import {
  keepOidcRequest,
  OIDC_CONSENT_PATH,
  oidcConsentView,
  pendingOidcRequest,
} from './views/oidc-consent';
import { privacyView } from './views/privacy';

const routes: Record<string, () => void | Promise<void>> = {
  '#/login': loginView,
  '#/home': homeView,
  '#/identity': identityView,
  '#/cards': cardsView,
  '#/privacy': privacyView,
  '#/notices': noticesView,
  '#/oidc': oidcConsentView,
};

function renderChrome(): void {
  document.documentElement.lang = lang();
  (document.getElementById('brand') as HTMLElement).textContent = t('brand');
  const skip = document.querySelector('.skip');
  if (skip) skip.textContent = t('skip');
  const nav = document.getElementById('nav') as HTMLElement;
  nav.setAttribute('aria-label', t('nav'));
  const here = location.hash;
  const link = (href: string, text: string) =>
    h('a', { href, ...(here === href ? { 'aria-current': 'page' } : {}) }, text);
  nav.replaceChildren(
    ...(signedIn()
      ? [
          link('#/home', t('navHome')),
          link('#/identity', t('navIdentity')),
          link('#/cards', t('navCards')),
          link('#/privacy', t('navPrivacy')),
          link('#/notices', t('navNotices')),
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => {
                logOut().then(() => navigate('#/login'));
              },
            },
            t('logout'),
          ),
        ]
      : []),
  );
  const care = document.getElementById('care') as HTMLButtonElement;
  care.textContent = t('careMode');
  care.setAttribute('aria-pressed', String(careMode()));
  const switcher = document.getElementById('lang') as HTMLButtonElement;
  switcher.textContent = t('switchLang');
  switcher.lang = lang() === 'en' ? 'zh-CN' : 'en';
}

async function render(): Promise<void> {
  let route = location.hash || '#/home';
  if (!routes[route]) route = '#/home';
  if (route !== '#/login' && !signedIn()) route = '#/login';
  if (route === '#/login' && signedIn()) route = '#/home';
  // An app's sign-in is waiting: once signed in (or back from the step-up), it comes first.
  if (route === '#/home' && signedIn() && pendingOidcRequest()) route = '#/oidc';
  if (location.hash !== route) {
    navigate(route);
    return;
  }
  renderChrome();
  try {
    await routes[route]?.();
  } catch (error) {
    // The session ended (signed out elsewhere): the login screen is already on its way.
    if (error instanceof ApiError && error.problem.status === 401 && !signedIn()) return;
    const box = h('div', {});
    show(h('h1', {}, t('brand')), box);
    showProblem(box, error);
  }
}

/** A material policy change answered 428: show the new version, record acceptance, retry. */
function reconsentDialog(version: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { 'aria-labelledby': 'reconsent-title', class: 'reconsent' });
    const close = (accepted: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(accepted);
    };
    forgetPolicy();
    currentPolicy().then((policy) => {
      const accept = h('button', { type: 'button' }, t('accept'));
      accept.addEventListener('click', () => {
        post('/v1/me/consents', { purpose: 'privacy_policy', policyVersion: version, accepted: true })
          .then(() => close(true))
          .catch((error: unknown) => showProblem(dialog, error));
      });
      dialog.append(
        h('h2', { id: 'reconsent-title' }, t('reconsentTitle')),
        h('p', {}, t('reconsentIntro', { version })),
        h(
          'p',
          {},
          h('a', { href: policy.textUrl, target: '_blank', rel: 'noopener' }, t('policyLink', { version })),
        ),
        h(
          'div',
          { class: 'actions' },
          accept,
          h('button', { type: 'button', class: 'secondary', onclick: () => close(false) }, t('cancel')),
        ),
      );
      document.body.append(dialog);
      dialog.addEventListener('cancel', () => close(false));
      dialog.showModal();
      accept.focus();
    });
  });
}

async function boot(): Promise<void> {
  handleReconsent(reconsentDialog);
  handleSignedOut(() => navigate('#/login'));
  document.addEventListener('signed-out', renderChrome);
  applyCareMode();
  (document.getElementById('care') as HTMLButtonElement).addEventListener('click', () => {
    setCareMode(!careMode());
    renderChrome();
  });
  (document.getElementById('lang') as HTMLButtonElement).addEventListener('click', () => {
    setLang(lang() === 'en' ? 'zh-CN' : 'en');
    render();
  });
  window.addEventListener('hashchange', () => {
    render();
  });
  if (location.pathname === LIVENESS_RETURN_PATH) {
    // Back from the face check page: the session comes back from its cookie first.
    await refreshSession();
    renderChrome();
    if (signedIn()) await livenessReturnView(new URLSearchParams(location.search));
    else navigate('#/login');
    return;
  }
  if (location.pathname === OIDC_CONSENT_PATH) keepOidcRequest(new URLSearchParams(location.search));
  if (location.pathname === '/oauth/callback') {
    renderChrome();
    await oauthCallbackView(new URLSearchParams(location.search));
    renderChrome();
    return;
  }
  // A reload keeps the session: the httpOnly cookie still holds the refresh token.
  await refreshSession();
  await render();
}

boot();
