import { ApiError, type Problem } from './api';
import { t, tCode } from './i18n';

type Child = Node | string | false | null | undefined;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** Builds an element: attributes (`on*` become listeners, booleans toggle) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    element.append(child);
  }
  return element;
}

/**
 * A labelled field: the control gets an id, `aria-describedby` naming its hint and its error
 * line, and the error line is filled by `setFieldError` (so screen readers read it with the field).
 */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLElement {
  const id = control.id || `f-${control.name}`;
  control.id = id;
  const described = [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    h('p', { class: 'error', id: `${id}-error` }),
  );
}

export function setFieldError(form: HTMLElement, name: string, message: string | undefined): void {
  const control = form.querySelector<HTMLElement>(`[name="${name}"]`);
  if (!control) return;
  const error = form.querySelector<HTMLElement>(`#${CSS.escape(control.id)}-error`);
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
  if (error) error.textContent = message ?? '';
}

export function clearErrors(form: HTMLElement): void {
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  for (const error of form.querySelectorAll('.error')) error.textContent = '';
  form.querySelector('.problem')?.remove();
}

/**
 * Shows an API problem where the user is: its title and detail in their language with the stable
 * `code`, field errors on their fields, focus on the first bad field (or the message).
 */
export function showProblem(form: HTMLElement, error: unknown): Problem {
  const problem: Problem =
    error instanceof ApiError
      ? error.problem
      : { title: String(error instanceof Error ? error.message : error), status: 0, code: 'client_error' };
  form.querySelector('.problem')?.remove();
  const box = h(
    'div',
    { class: 'problem', role: 'alert', 'data-code': problem.code, tabindex: -1 },
    h('strong', {}, problem.title),
    problem.detail ? h('p', {}, problem.detail) : null,
    // A missing separate consent: name it and say where to give it.
    typeof problem.purpose === 'string'
      ? h('p', {}, tCode('consent', problem.purpose), ' · ', h('a', { href: '#/privacy' }, t('navPrivacy')))
      : null,
    ...nextSteps(problem),
    // Kept for support, after what the person can do.
    h('p', { class: 'code' }, t('errorCode', { code: problem.code })),
  );
  form.prepend(box);
  let first: HTMLElement | null = null;
  for (const e of problem.errors ?? []) {
    const name = e.path.split('.').pop() ?? '';
    setFieldError(form, name, issueMessage(name, e.issue));
    first ??= form.querySelector<HTMLElement>(`[name="${name}"]`);
  }
  (first ?? box).focus();
  return problem;
}

/**
 * What a field's problem means and what to do, from the server's stable `issue` code: the field's
 * own message first (`issue_phone_invalid_format`), then the code's, then a general one.
 */
export function issueMessage(field: string, issue: string | undefined): string {
  const own = issue ? tCode(`issue_${field}`, issue) : '';
  if (issue && own !== issue) return own;
  const general = issue ? tCode('issue', issue) : '';
  return issue && general !== issue ? general : t('issueGeneral');
}

/** What to do next: tries left for a code, when to ask for a new one, a countdown to try again. */
function nextSteps(problem: Problem): HTMLElement[] {
  const steps: HTMLElement[] = [];
  if (typeof problem.attemptsLeft === 'number' && problem.attemptsLeft > 0)
    steps.push(h('p', { 'data-next': 'attempts' }, t('attemptsLeft', { n: problem.attemptsLeft })));
  if (problem.code === 'otp_exhausted' || problem.code === 'otp_expired' || problem.attemptsLeft === 0)
    steps.push(h('p', { 'data-next': 'new-code' }, t('askNewCode')));
  if (typeof problem.retryAfter === 'number' && problem.retryAfter > 0) {
    const line = h('p', { 'data-next': 'retry' });
    let left = Math.ceil(problem.retryAfter);
    // Counts down while the message is on screen; a new problem or a new screen ends it.
    const tick = () => {
      line.textContent = left > 0 ? t('retryIn', { s: left }) : t('retryNow');
      if (left-- > 0)
        setTimeout(() => {
          if (line.isConnected) tick();
        }, 1000);
    };
    tick();
    steps.push(line);
  }
  return steps;
}

export function announce(text: string): void {
  const live = document.getElementById('live');
  if (live) live.textContent = text;
}

/** Runs a form's submit handler with the button disabled, showing any problem in the form. */
export function onSubmit(form: HTMLFormElement, run: () => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const buttons = [...form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')];
    for (const b of buttons) b.disabled = true;
    clearErrors(form);
    run()
      .catch((error: unknown) => showProblem(form, error))
      .finally(() => {
        for (const b of buttons) b.disabled = false;
      });
  });
}

export function input(attrs: Attrs): HTMLInputElement {
  return h('input', { type: 'text', ...attrs });
}

export function select(name: string, options: ReadonlyArray<readonly [string, string]>, value?: string) {
  return h(
    'select',
    { name, id: `f-${name}` },
    ...options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
  );
}

export const fieldValue = (form: HTMLFormElement, name: string) =>
  String(new FormData(form).get(name) ?? '').trim();
