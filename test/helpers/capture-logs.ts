import { vi } from 'vitest';
import { logger } from '../../functions/core/logger';

/**
 * Captures what the process writes to stdout and stderr (where the Powertools logger writes) while
 * `run` executes, and returns it with the result.
 */
export async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const grab = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(grab);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(grab);
  const level = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  try {
    const result = await run();
    return { result, output: chunks.join('') };
  } finally {
    logger.setLogLevel(level);
    out.mockRestore();
    err.mockRestore();
  }
}
