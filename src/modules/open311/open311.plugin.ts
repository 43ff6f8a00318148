import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Lang } from '../../core/workflow/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { Problem } from '../../platform/http/problem.ts';
import {
  CONTENT_TYPE,
  renderErrors,
  renderList,
  renderObject,
  splitFormat,
  type Open311Format,
} from './open311.format.ts';
import {
  findRequest,
  findRequests,
  findToken,
  fromProblem,
  listServices,
  Open311Problem,
  postRequest,
  serviceDefinition,
  type Fields,
} from './open311.service.ts';

/** When this implementation of GeoReport v2 last changed (the discovery `changeset`). */
const CHANGESET = '2026-11-29T10:00:00+08:00';

function formatOfUrl(url: string): Open311Format {
  return /\.json(\?|$)/.test(url) ? 'json' : 'xml';
}

/** Open311 has no language parameter; a `lang` field or the Accept-Language header chooses zh-CN or English. */
function langOf(req: FastifyRequest, fields: Fields): Lang {
  const asked = typeof fields.lang === 'string' ? fields.lang : (req.headers['accept-language'] ?? '');
  return /^zh/i.test(asked) ? 'zh-CN' : 'en';
}

function send(reply: FastifyReply, format: Open311Format, body: string, status = 200) {
  return reply.status(status).type(CONTENT_TYPE[format]).send(body);
}

function resource(file: string): { name: string; format: Open311Format } {
  const parsed = splitFormat(file);
  if (!parsed) throw new Open311Problem(404, `unknown format in '${file}': use .xml or .json`);
  return parsed;
}

/** Form fields of a urlencoded body: repeated names become lists, `attribute[code]` names are kept as sent. */
export function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const REQUEST_NESTING = {} as const;
const DEFINITION_NESTING = { attributes: 'attribute', values: 'value' } as const;

/**
 * GeoReport v2 at /open311/v2 (registered outside /api/v1): discovery, services, service definitions, requests
 * (GET with filters, POST with an api_key), single requests and tokens, each as .xml or .json.
 */
export function open311Plugin(ctx: AppContext) {
  return async function open311(app: FastifyInstance) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parseForm(String(body)));
      } catch (err) {
        done(err as Error, undefined);
      }
    });

    app.setErrorHandler((error: FastifyError, req, reply) => {
      const format = formatOfUrl(req.url);
      let p: Open311Problem;
      if (error instanceof Open311Problem) p = error;
      else if (error instanceof Problem) p = fromProblem(error);
      else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
        p = new Open311Problem(400, error.message);
      else {
        req.log.error({ err: { message: error.message, stack: error.stack } }, 'open311 error');
        p = new Open311Problem(500, 'Something went wrong on our side.');
      }
      return send(reply, format, renderErrors(format, [{ code: p.status, description: p.description }]), p.status);
    });
    app.setNotFoundHandler((req, reply) => {
      const format = formatOfUrl(req.url);
      const path = req.url.split('?')[0] ?? '';
      return send(
        reply,
        format,
        renderErrors(format, [{ code: 404, description: `no GeoReport v2 resource ${req.method} ${path}` }]),
        404,
      );
    });

    const hide = { schema: { hide: true } };

    app.get<{ Params: { file: string }; Querystring: Fields }>('/:file', hide, async (req, reply) => {
      const { name, format } = resource(req.params.file);
      const lang = langOf(req, req.query);
      switch (name) {
        case 'discovery': {
          const url = `${req.protocol}://${req.host}/open311/v2`;
          return send(
            reply,
            format,
            renderObject(
              format,
              'discovery',
              {
                changeset: CHANGESET,
                contact: 'Tessera grid operations. API guide: /api/docs',
                key_service:
                  'API keys are device tokens issued by an administrator of this deployment (POST /api/v1/tokens with kind "device").',
                endpoints: [
                  {
                    specification: 'http://wiki.open311.org/GeoReport_v2',
                    url,
                    changeset: CHANGESET,
                    type: 'production',
                    formats: ['text/xml', 'application/json'],
                  },
                ],
              },
              { endpoints: 'endpoint', formats: 'format' },
            ),
          );
        }
        case 'services':
          return send(reply, format, renderList(format, 'services', 'service', await listServices(ctx, lang)));
        case 'requests':
          return send(
            reply,
            format,
            renderList(
              format,
              'service_requests',
              'request',
              await findRequests(ctx, req.query, lang),
              REQUEST_NESTING,
            ),
          );
        default:
          throw new Open311Problem(404, `no GeoReport v2 resource '${name}'`);
      }
    });

    app.get<{ Params: { collection: string; file: string }; Querystring: Fields }>(
      '/:collection/:file',
      hide,
      async (req, reply) => {
        const { name, format } = resource(req.params.file);
        const lang = langOf(req, req.query);
        switch (req.params.collection) {
          case 'services': {
            const def = await serviceDefinition(ctx, name, lang);
            return send(reply, format, renderObject(format, 'service_definition', def, DEFINITION_NESTING));
          }
          case 'requests':
            return send(
              reply,
              format,
              renderList(format, 'service_requests', 'request', await findRequest(ctx, name, lang)),
            );
          case 'tokens':
            return send(reply, format, renderList(format, 'service_requests', 'request', await findToken(ctx, name)));
          default:
            throw new Open311Problem(404, `no GeoReport v2 resource '${req.params.collection}'`);
        }
      },
    );

    app.post<{ Params: { file: string }; Querystring: Fields; Body: Fields | undefined }>(
      '/:file',
      hide,
      async (req, reply) => {
        const { name, format } = resource(req.params.file);
        if (name !== 'requests') throw new Open311Problem(404, `no GeoReport v2 resource POST '${name}'`);
        // Parameters may come in the query string (jurisdiction_id, api_key) as well as in the form.
        const fields: Fields = { ...req.query, ...(req.body ?? {}) };
        const created = await postRequest(ctx, fields, langOf(req, fields));
        return send(reply, format, renderList(format, 'service_requests', 'request', created));
      },
    );
  };
}
