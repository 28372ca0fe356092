/** Lookup errors shaped like node's getaddrinfo errors, with the codes glibc's outcomes map to. */
export type LookupErrorCode = 'ENOTFOUND' | 'EAI_AGAIN';

/** libuv's numbers for these codes (UV_EAI_NONAME, UV_EAI_AGAIN), as node reports them in `errno`. */
const ERRNO: Record<LookupErrorCode, number> = { ENOTFOUND: -3008, EAI_AGAIN: -3001 };

export interface LookupError extends Error {
  code: LookupErrorCode;
  errno: number;
  syscall: 'getaddrinfo';
  hostname: string;
}

export function lookupError(code: LookupErrorCode, hostname: string, detail?: string): LookupError {
  const error = new Error(`getaddrinfo ${code} ${hostname}`) as LookupError;
  error.code = code;
  error.errno = ERRNO[code];
  error.syscall = 'getaddrinfo';
  error.hostname = hostname;
  if (detail) (error as Error & { detail?: string }).detail = detail;
  return error;
}
