export { clientProblems } from './clients';
export { oidcStore } from './stores';
