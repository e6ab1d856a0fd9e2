import { logger } from '../../functions/core/logger';

// Tests must not pick up a developer's AWS profile or region by accident.
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';
delete process.env.AWS_PROFILE;

// Request logs would drown the test report; tests that inspect logs turn them on (captureOutput).
logger.setLogLevel('SILENT');
