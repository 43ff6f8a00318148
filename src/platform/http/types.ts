import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Principal } from '../../core/policy/roles.ts';
import type { AppContext } from '../context.ts';

export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Each domain module exports one of these; server.ts mounts them under /api/v1. */
export type RouteModule = (app: ZodApp, ctx: AppContext) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    tokenHash: string | null;
  }
}
