import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { authHook } from './auth-hook.ts';
import { routeModules } from './modules.ts';
import { open311Plugin } from '../../modules/open311/open311.plugin.ts';
import { errorHandler, notFound, sendProblem } from './problem.ts';
import { rateLimitHook } from './rate-limit.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ServerOptions {
  /** Serve the built web app from web/dist when present. */
  serveWeb?: boolean;
  extraModules?: Array<(app: FastifyInstance) => void | Promise<void>>;
}

export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Request logs carry method, route and status only: never bodies or query strings with personal data.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 12 * 1024 * 1024,
    trustProxy: true,
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.addHook('preValidation', rateLimitHook(ctx));

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tessera API',
        description:
          'Outbreak response and grid management. Errors are RFC 9457 problem+json; lists paginate by opaque cursor.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  await app.register(
    async (api) => {
      const zapp = api.withTypeProvider<ZodTypeProvider>();
      zapp.addHook('onRequest', authHook(ctx));
      for (const mod of routeModules) await mod(zapp, ctx);
      zapp.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' },
  );
  await app.register(open311Plugin(ctx), { prefix: '/open311/v2' });
  for (const extra of options.extraModules ?? []) await app.register(extra);

  const webDist = path.join(repoRoot, 'web', 'dist');
  if (options.serveWeb !== false && existsSync(path.join(webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false });
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/open311/'))
        return reply.sendFile('index.html');
      return sendProblem(reply, req, notFound(`No route ${req.method} ${req.url.split('?')[0]}`));
    });
  } else {
    app.setNotFoundHandler((req, reply) =>
      sendProblem(reply, req, notFound(`No route ${req.method} ${req.url.split('?')[0]}`)),
    );
  }
  return app;
}
