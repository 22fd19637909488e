import pRetry, { AbortError } from 'p-retry';

/**
 * The one way to retry: p-retry with a classifier. Retryable: conflicts, throttling, server errors,
 * not-found while something is being created, and connections reset or refused while a component
 * restarts. Fatal: bad requests, authentication and authorization failures, invalid objects.
 */

const RETRYABLE_CODES = new Set([404, 409, 429, 500, 502, 503, 504]);
const RETRYABLE_ERRNO = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

export function httpStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown; statusCode?: unknown })?.code;
  if (typeof code === 'number') return code;
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

function errno(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isRetryable(error: unknown): boolean {
  const status = httpStatus(error);
  if (status !== undefined) return RETRYABLE_CODES.has(status);
  const code = errno(error);
  if (code !== undefined) return RETRYABLE_ERRNO.has(code);
  return /socket hang up|ECONNRESET|ECONNREFUSED|fetch failed/i.test(String((error as Error)?.message ?? ''));
}

export interface RetryOptions {
  /** What is being attempted, for the final error. */
  description: string;
  retries?: number;
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
  signal?: AbortSignal;
  /** Overrides the default classifier. */
  retryable?: (error: unknown) => boolean;
}

/** Carries a retryable error past p-retry, which gives up on any TypeError it does not know. */
class Retryable extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const retryable = options.retryable ?? isRetryable;
  try {
    return await pRetry(
      async (attempt) => {
        try {
          return await operation(attempt);
        } catch (error) {
          if (!retryable(error)) throw new AbortError(new Retryable(error));
          throw new Retryable(error);
        }
      },
      {
        retries: options.retries ?? 5,
        minTimeout: options.minTimeoutMs ?? 200,
        maxTimeout: options.maxTimeoutMs ?? 3000,
        signal: options.signal,
      },
    );
  } catch (error) {
    const original = error instanceof Retryable ? error.original : error;
    if (original instanceof Error) throw original;
    throw new Error(typeof original === 'string' ? original : JSON.stringify(original), { cause: error });
  }
}
