export { oidcStore } from './stores';
