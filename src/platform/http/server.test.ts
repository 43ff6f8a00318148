import { describe, expect, it } from 'vitest';
import { buildServer } from './server.ts';
import { describeEachBackend } from '../../../test/support/backends.ts';

describeEachBackend('HTTP server', (env) => {
  it('answers health with the database kind and migration', async () => {
    const app = await buildServer(env().ctx, { serveWeb: false });
    const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.database.kind).toBe(env().kind);
    expect(body.database.migration).toMatch(/^\d{8}T\d{6}_/);
    await app.close();
  });

  it('serves an OpenAPI document listing the routes', async () => {
    const app = await buildServer(env().ctx, { serveWeb: false });
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().paths['/api/v1/health']).toBeDefined();
    await app.close();
  });

  it('answers unknown routes and malformed JSON with problem+json', async () => {
    const app = await buildServer(env().ctx, { serveWeb: false });
    const missing = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().title).toBe('Malformed JSON');
    const unknownField = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/sign-in',
      payload: { username: 'a', password: 'b', extra: 1 },
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().detail).toMatch(/extra/);
    await app.close();
  });
});

describe('config', () => {
  it('fails fast naming the bad variable', async () => {
    const { loadConfig } = await import('../config.ts');
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(loadConfig({}).PORT).toBe(8080);
  });
});
