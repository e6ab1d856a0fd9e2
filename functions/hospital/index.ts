export { authenticateHospital } from './hospital-auth';
