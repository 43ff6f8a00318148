import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/platform/http/server.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo-seed.service.ts';

export async function testServer(ctx: AppContext): Promise<FastifyInstance> {
  return buildServer(ctx, { serveWeb: false });
}

/** Signs in a demo staff account and returns its bearer header. */
export async function staffAuth(app: FastifyInstance, username: string): Promise<{ authorization: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/staff/sign-in',
    payload: { username, password: DEMO_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in ${username} failed: ${res.body}`);
  return { authorization: `Bearer ${res.json().token as string}` };
}

export async function residentAuth(app: FastifyInstance, phone: string): Promise<{ authorization: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/resident/sign-in',
    payload: { phone, password: DEMO_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in ${phone} failed: ${res.body}`);
  return { authorization: `Bearer ${res.json().token as string}` };
}
