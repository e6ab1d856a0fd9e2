import { get } from './api';

/** What several screens share: the current policy and the way to move between screens. */
export interface Policy {
  readonly version: string;
  readonly textUrl: string;
  readonly separatePurposes: readonly string[];
}

let policy: Policy | undefined;

/** A new version was published (a 428 said so): read it again. */
export function forgetPolicy(): void {
  policy = undefined;
}

export async function currentPolicy(): Promise<Policy> {
  policy ??= await get<Policy>('/v1/policies/current', { auth: false });
  return policy;
}

export function navigate(route: string): void {
  if (location.pathname !== '/') history.replaceState(null, '', `/${route}`);
  if (location.hash === route) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = route;
}

/** Replaces the main region with a screen and moves focus to its heading (screen readers, keyboard). */
export function show(...content: Node[]): void {
  const main = document.getElementById('main') as HTMLElement;
  main.replaceChildren(...content);
  const heading = main.querySelector<HTMLElement>('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
    document.title = `${heading.textContent} · ${document.getElementById('brand')?.textContent ?? ''}`;
  }
}
