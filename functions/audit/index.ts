export { auditEntryInserts } from './stream-filter';
