export { clientProblems } from './clients';
export type { OidcDeps } from './ports';
export { oidcPeople, oidcStore } from './stores';
