import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

/** An RFC 9457 problem. Services throw these; the error handler renders them as application/problem+json. */
export class Problem extends Error {
  constructor(
    public status: number,
    public title: string,
    public detail: string,
    public extra: Record<string, unknown> = {},
    public type = 'about:blank',
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(400, 'Bad Request', detail, extra);
export const unauthorized = (detail = 'Sign in first: send Authorization: Bearer <token>.') =>
  new Problem(401, 'Unauthorized', detail);
export const forbidden = (detail: string) => new Problem(403, 'Forbidden', detail);
export const notFound = (detail: string) => new Problem(404, 'Not Found', detail);
export const conflict = (detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(409, 'Conflict', detail, extra);
export const unprocessable = (detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(422, 'Unprocessable Content', detail, extra);

export interface FieldError {
  field: string;
  message: string;
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, p: Problem): FastifyReply {
  return reply
    .status(p.status)
    .type('application/problem+json')
    .send({ type: p.type, title: p.title, status: p.status, detail: p.detail, instance: req.url, ...p.extra });
}

export function errorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof Problem) return sendProblem(reply, req, error);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors: FieldError[] = error.validation.map((v) => ({
      field: `${error.validationContext ?? 'body'}${v.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`,
      message: v.message ?? 'invalid',
    }));
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return sendProblem(reply, req, new Problem(400, 'Invalid request', detail, { errors }));
  }
  if (isResponseSerializationError(error)) {
    req.log.error({ err: { message: error.message } }, 'response did not match its schema');
    return sendProblem(reply, req, new Problem(500, 'Internal Server Error', 'The response failed validation.'));
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return sendProblem(
      reply,
      req,
      new Problem(400, 'Malformed JSON', `The request body is not valid JSON: ${error.message}`),
    );
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return sendProblem(reply, req, new Problem(415, 'Unsupported Media Type', error.message));
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return sendProblem(reply, req, new Problem(413, 'Content Too Large', error.message));
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) {
    req.log.error({ err: { message: error.message, stack: error.stack, code: error.code } }, 'unhandled error');
    return sendProblem(reply, req, new Problem(500, 'Internal Server Error', 'Something went wrong on our side.'));
  }
  return sendProblem(reply, req, new Problem(status, error.name || 'Error', error.message));
}
