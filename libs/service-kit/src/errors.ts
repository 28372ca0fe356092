/** JSON errors everywhere: { error, message, ...details }, never an HTML page or a stack trace. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@faultline/tracer';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** 400 with one entry per invalid field. */
export function validationError(fields: FieldProblem[]): HttpError {
  return new HttpError(400, 'validation_failed', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
}

export function sendError(res: Response, error: HttpError): void {
  res.status(error.status).json({ error: error.code, message: error.message, ...error.details });
}

const BODY_PARSER_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'malformed_json', 'request body is not valid JSON'],
  'entity.too.large': [413, 'body_too_large', 'request body is larger than the limit'],
  'entity.verify.failed': [400, 'bad_request', 'request body failed verification'],
  'request.aborted': [400, 'request_aborted', 'request aborted by the client'],
  'request.size.invalid': [400, 'bad_request', 'request size did not match Content-Length'],
  'charset.unsupported': [415, 'unsupported_charset', 'unsupported body charset'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'unsupported body encoding'],
};

export function notFoundHandler(req: Request, res: Response): void {
  sendError(res, new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
}

export function errorHandler(log: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    if (error instanceof HttpError) return sendError(res, error);
    const type = (error as { type?: string }).type;
    if (type && BODY_PARSER_ERRORS[type]) {
      const [status, code, message] = BODY_PARSER_ERRORS[type];
      return sendError(res, new HttpError(status, code, message));
    }
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendError(res, new HttpError(status, 'bad_request', (error as Error).message || 'bad request'));
    }
    log.error('unhandled error', { method: req.method, path: req.path, error, stack: (error as Error)?.stack });
    sendError(res, new HttpError(500, 'internal', 'internal server error'));
  };
}
