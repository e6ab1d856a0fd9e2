import type { ProblemCode } from './messages';
import type { ProblemExtensions } from './problem';

/**
 * Domain and edge errors. They carry a stable `code` and no HTTP status: problem.ts owns the
 * mapping from code to status and message, so domain code never thinks in HTTP.
 */
export interface FieldIssue {
  /** JSON pointer-like path into the request, e.g. `body.phone`. */
  readonly path: string;
  /** Stable issue kind from the validator, e.g. `invalid_type`, `too_big`. */
  readonly issue: string;
}

export class AppError extends Error {
  readonly code: ProblemCode;
  readonly retryAfter: number | undefined;
  readonly fields: readonly FieldIssue[] | undefined;
  /** Extra, non-sensitive members copied onto the problem document (e.g. `policyVersion`). */
  readonly extensions: Readonly<ProblemExtensions> | undefined;
  /** Response headers the problem needs, e.g. `Allow` on a 405. */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    code: ProblemCode,
    options: {
      cause?: unknown;
      retryAfter?: number;
      fields?: readonly FieldIssue[];
      extensions?: ProblemExtensions;
      headers?: Record<string, string>;
    } = {},
  ) {
    // The message is the code: messages are localised at the edge, and must never hold user data.
    super(code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryAfter = options.retryAfter;
    this.fields = options.fields;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}

export class ValidationError extends AppError {
  constructor(fields: readonly FieldIssue[]) {
    super('invalid_request', { fields });
    this.name = 'ValidationError';
  }
}

/** A sealed attribute blob that does not belong to the item it was read from, or was tampered with. */
export class SealedDataError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`sealed data could not be opened: ${reason}`, options);
    this.name = 'SealedDataError';
  }
}

/** Configuration or environment that makes it unsafe to start (wrong region, local keys in Lambda). */
export class StartupRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupRefusedError';
  }
}
