import { api, get, getAll, logOut, post } from '../api';
import { currentPolicy, show } from '../app';
import { announce, field, fieldValue, h, onSubmit, select, showProblem } from '../dom';
import { lang, type MessageKey, t, tCode } from '../i18n';
import { codeForms } from './login';

interface ConsentEntry {
  readonly purpose: string;
  readonly accepted: boolean;
  readonly at: string;
  readonly policyVersion: string;
}
interface RightsRequest {
  readonly requestId: string;
  readonly kind: string;
  readonly status: string;
  readonly dueAt: string;
}

const day = (iso: string) => new Date(iso).toLocaleDateString(lang());

async function consentsSection(): Promise<HTMLElement> {
  const [consents, policy] = await Promise.all([
    getAll<ConsentEntry>('/v1/me/consents', 'consents'),
    currentPolicy(),
  ]);
  const latest = new Map<string, ConsentEntry>();
  for (const c of [...consents].sort((a, b) => a.at.localeCompare(b.at))) latest.set(c.purpose, c);
  const section = h(
    'section',
    { 'aria-labelledby': 'consents-title' },
    h('h2', { id: 'consents-title' }, t('consentsTitle')),
  );
  const list = h('ul', { class: 'consent-list' });
  for (const purpose of policy.separatePurposes) {
    const given = latest.get(purpose)?.accepted === true;
    const row = h(
      'li',
      { 'data-purpose': purpose, 'data-given': String(given) },
      h('span', {}, t(`consent_${purpose}` as MessageKey)),
      h('span', { class: `badge ${given ? 'active' : 'failed'}` }, given ? t('granted') : t('notGranted')),
    );
    row.append(
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            post('/v1/me/consents', { purpose, policyVersion: policy.version, accepted: !given })
              .then(async () => {
                announce(t('saved'));
                section.replaceWith(await consentsSection());
              })
              .catch((error: unknown) => showProblem(row, error));
          },
        },
        given ? t('withdraw') : t('grant'),
      ),
    );
    list.append(row);
  }
  section.append(list);
  return section;
}

interface ConnectedApp {
  readonly client: { readonly id: string; readonly name: Record<string, string> };
  readonly scopes: readonly string[];
  readonly since: string;
}

/** The hospital apps the person shares information with (PIPL art. 23), each withdrawable here. */
async function connectedAppsSection(): Promise<HTMLElement> {
  const { apps } = await get<{ apps: ConnectedApp[] }>('/v1/me/connected-apps');
  const section = h(
    'section',
    { 'aria-labelledby': 'apps-title' },
    h('h2', { id: 'apps-title' }, t('appsTitle')),
  );
  if (apps.length === 0) {
    section.append(h('p', {}, t('appsNone')));
    return section;
  }
  const list = h('ul', { class: 'consent-list' });
  for (const app of apps) {
    const row = h(
      'li',
      { 'data-app': app.client.id },
      h(
        'span',
        {},
        `${app.client.name[lang()] ?? app.client.id} · ${t('appsSince', { date: day(app.since) })}`,
      ),
    );
    row.append(
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            api('DELETE', `/v1/me/connected-apps/${app.client.id}`)
              .then(async () => {
                announce(t('saved'));
                section.replaceWith(await connectedAppsSection());
              })
              .catch((error: unknown) => showProblem(row, error));
          },
        },
        t('appsStop'),
      ),
    );
    list.append(row);
  }
  section.append(list);
  return section;
}

function exportSection(): HTMLElement {
  const section = h(
    'section',
    { 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title' }, t('exportTitle')),
    h('p', {}, t('exportIntro')),
  );
  section.append(
    h(
      'button',
      {
        type: 'button',
        id: 'download',
        onclick: () => {
          get<unknown>('/v1/me/export')
            .then((data) => {
              const url = URL.createObjectURL(
                new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
              );
              const link = h('a', { href: url, download: 'my-data.json' });
              document.body.append(link);
              link.click();
              link.remove();
              setTimeout(() => URL.revokeObjectURL(url), 10_000);
            })
            .catch((error: unknown) => showProblem(section, error));
        },
      },
      t('download'),
    ),
  );
  return section;
}

async function requestsSection(): Promise<HTMLElement> {
  const requests = await getAll<RightsRequest>('/v1/me/requests', 'requests');
  const section = h(
    'section',
    { 'aria-labelledby': 'requests-title' },
    h('h2', { id: 'requests-title' }, t('requestsTitle')),
  );
  section.append(
    requests.length
      ? h(
          'ul',
          { class: 'requests' },
          ...requests.map((r) =>
            h(
              'li',
              { 'data-request': r.requestId },
              t('requestState', {
                kind: tCode('kind', r.kind),
                status: tCode('reqstatus', r.status),
                due: day(r.dueAt),
              }),
            ),
          ),
        )
      : h('p', {}, t('noRequests')),
  );
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('h3', {}, t('newRequest')),
    field(
      t('requestKind'),
      select('kind', [
        ['objection', t('kind_objection')],
        ['other', t('kind_other')],
      ]),
    ),
    field(t('details'), h('textarea', { name: 'details', rows: 3, maxlength: 2000, required: true })),
    h('button', { type: 'submit' }, t('submit')),
  );
  onSubmit(form, async () => {
    await post('/v1/me/requests', { kind: fieldValue(form, 'kind'), details: fieldValue(form, 'details') });
    announce(t('saved'));
    section.replaceWith(await requestsSection());
  });
  section.append(form);
  return section;
}

function deletionSection(): HTMLElement {
  const section = h(
    'section',
    { 'aria-labelledby': 'delete-title', class: 'danger' },
    h('h2', { id: 'delete-title' }, t('deleteTitle')),
    h('p', {}, t('deleteIntro')),
  );
  section.append(
    codeForms({
      purpose: 'step_up',
      submitLabel: t('deleteConfirm'),
      finish: async (challenge) => {
        const request = await post<{ requestId: string }>('/v1/me/deletion', challenge);
        await logOut();
        const done = h('p', { role: 'status', id: 'deletion-done' }, t('deleted', { id: request.requestId }));
        section.replaceChildren(h('h2', { id: 'delete-title' }, t('deleteTitle')), done);
        document.dispatchEvent(new Event('signed-out'));
        done.focus();
      },
    }),
  );
  return section;
}

export async function privacyView(): Promise<void> {
  const [consents, apps, requests] = await Promise.all([
    consentsSection(),
    connectedAppsSection(),
    requestsSection(),
  ]);
  show(h('h1', {}, t('privacyTitle')), consents, apps, exportSection(), requests, deletionSection());
}
