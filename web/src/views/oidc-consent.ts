import { ApiError, get, logOut, post } from '../api';
import { navigate, show } from '../app';
import { h, showProblem } from '../dom';
import { lang, t } from '../i18n';

/** The app's sign-in request this tab is working on, kept across the login and step-up screens. */
const PENDING = 'oidcRequest';
export const OIDC_CONSENT_PATH = '/oidc/consent';

export const pendingOidcRequest = () => sessionStorage.getItem(PENDING);

/** The browser arrived from an app (`/oidc/consent?request=…`): keep the request for this tab. */
export function keepOidcRequest(params: URLSearchParams): void {
  const id = params.get('request');
  if (id && /^[\w-]{22}$/.test(id)) sessionStorage.setItem(PENDING, id);
  history.replaceState(null, '', '/');
}

interface RequestView {
  readonly client: {
    readonly id: string;
    readonly name: Record<string, string>;
    readonly processor: Record<string, string>;
  };
  readonly scopes: ReadonlyArray<{
    readonly scope: 'openid' | 'profile' | 'phone';
    readonly claims: readonly string[];
  }>;
  readonly assurance: {
    readonly required: string | null;
    readonly met: boolean;
    readonly next: 'real_name' | 'real_person' | null;
  };
  readonly reauthenticate: boolean;
  readonly alreadyShared: boolean;
}

async function finish(id: string, decision: 'approve' | 'deny'): Promise<void> {
  const { redirectTo } = await post<{ redirectTo: string }>(`/v1/oidc/requests/${id}/decision`, { decision });
  sessionStorage.removeItem(PENDING);
  location.assign(redirectTo);
}

/**
 * The consent page of an app that signs people in through us: who asks (the app and the
 * processor behind it), what each scope gives it, the assurance it needs, and the person's own
 * decision. Sharing is its own consent (PIPL art. 23); an app already shared with goes on at once.
 */
export async function oidcConsentView(): Promise<void> {
  const id = pendingOidcRequest();
  if (!id) {
    navigate('#/home');
    return;
  }
  const box = h('div', {});
  let request: RequestView;
  try {
    request = await get<RequestView>(`/v1/oidc/requests/${id}`);
  } catch (error) {
    if (error instanceof ApiError && error.problem.code === 'oidc_request_not_found')
      sessionStorage.removeItem(PENDING);
    show(h('h1', {}, t('oidcTitle')), box);
    showProblem(box, error);
    return;
  }
  const name = request.client.name[lang()] ?? request.client.id;
  if (request.alreadyShared && request.assurance.met && !request.reauthenticate) {
    show(h('h1', {}, t('oidcTitleFor', { app: name })), h('p', { role: 'status' }, t('oidcContinuing')));
    await finish(id, 'approve').catch((error: unknown) => showProblem(box, error));
    return;
  }
  // What to do first, if anything, then the buttons in one row, apart (.actions).
  const notes: Node[] = [];
  const actions: Node[] = [];
  if (request.reauthenticate) {
    notes.push(h('p', {}, t('oidcReauthenticate')));
    actions.push(
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            logOut().then(() => navigate('#/login'));
          },
        },
        t('oidcSignInAgain'),
      ),
    );
  } else if (!request.assurance.met) {
    notes.push(
      h('p', {}, t(request.assurance.next === 'real_person' ? 'oidcNeedsRealPerson' : 'oidcNeedsRealName')),
    );
    actions.push(h('a', { href: '#/identity', class: 'button' }, t('navIdentity')));
  } else {
    const approve = h('button', { type: 'button' }, t('oidcApprove'));
    approve.addEventListener('click', () => {
      approve.disabled = true;
      finish(id, 'approve').catch((error: unknown) => {
        approve.disabled = false;
        showProblem(box, error);
      });
    });
    actions.push(approve);
  }
  const deny = h('button', { type: 'button', class: 'secondary' }, t('oidcDeny'));
  deny.addEventListener('click', () => {
    finish(id, 'deny').catch((error: unknown) => showProblem(box, error));
  });
  actions.push(deny);
  show(
    h('h1', {}, t('oidcTitleFor', { app: name })),
    h('p', {}, request.client.processor[lang()] ?? ''),
    h('h2', {}, t('oidcShares')),
    h(
      'ul',
      {},
      ...request.scopes.map((s) =>
        h(
          'li',
          {},
          t(
            s.scope === 'openid'
              ? 'oidcScopeOpenid'
              : s.scope === 'profile'
                ? 'oidcScopeProfile'
                : 'oidcScopePhone',
          ),
        ),
      ),
    ),
    h('p', {}, t('oidcNeverShared')),
    h('p', {}, t('oidcWithdraw')),
    box,
    ...notes,
    h('div', { class: 'actions' }, ...actions),
  );
}
