import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/support/backends.ts';
import { residentAuth, staffAuth, testServer } from '../../../test/support/http.ts';
import { emitEvent } from '../../platform/events/outbox.ts';
import { seedDemoCity } from '../demo/demo-seed.service.ts';

interface SseEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

/** A minimal EventSource over fetch: collects events and waits for the ones a test expects. */
class SseClient {
  readonly events: SseEvent[] = [];
  private buffer = '';
  private done: Promise<void>;
  private constructor(
    private controller: AbortController,
    body: ReadableStream<Uint8Array>,
  ) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          this.buffer += decoder.decode(value, { stream: true });
          let cut: number;
          while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
            const frame = this.buffer.slice(0, cut);
            this.buffer = this.buffer.slice(cut + 2);
            const fields = Object.fromEntries(
              frame
                .split('\n')
                .filter((l) => !l.startsWith(':') && l.includes(': '))
                .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
            );
            if (fields.event && fields.data)
              this.events.push({ id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data) });
          }
        }
      } catch {
        /* aborted */
      }
    })();
  }

  static async open(url: string, headers: Record<string, string> = {}) {
    const controller = new AbortController();
    const res = await fetch(url, { headers, signal: controller.signal });
    if (!res.body) throw new Error('no body');
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      client: new SseClient(controller, res.body),
    };
  }

  async waitFor(pred: (e: SseEvent) => boolean, ms = 3000): Promise<SseEvent> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching event within ${ms} ms; got ${this.events.map((e) => e.event).join(', ')}`);
  }

  async close() {
    this.controller.abort();
    await this.done;
  }
}

describeEachBackend('live command-center feed (SSE)', (env) => {
  let app: FastifyInstance;
  let base: string;
  const clients: SseClient[] = [];
  let home: { lat: number; lng: number; community_id: string; path: string };
  let away: { lat: number; lng: number; community_id: string; path: string };

  beforeAll(async () => {
    await seedDemoCity(env().ctx, { seed: 7, residents: 1500 });
    app = await testServer(env().ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    base = `http://127.0.0.1:${address.port}`;
    const place = (community: string) =>
      env()
        .ctx.db.selectFrom('households')
        .innerJoin('grids', 'grids.code', 'households.grid_code')
        .innerJoin('jurisdictions', 'jurisdictions.id', 'grids.community_id')
        .select(['households.lat', 'households.lng', 'grids.community_id', 'jurisdictions.path'])
        .where('grids.community_id', '=', community)
        .orderBy('households.id')
        .limit(1)
        .executeTakeFirstOrThrow();
    home = await place('990101001001');
    away = await place('990101001002');
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await app.close();
  });

  const open = async (username: string, viaQuery = false) => {
    const auth = await staffAuth(app, username);
    const token = auth.authorization.slice('Bearer '.length);
    const { status, contentType, client } = viaQuery
      ? await SseClient.open(`${base}/api/v1/feed?access_token=${encodeURIComponent(token)}`)
      : await SseClient.open(`${base}/api/v1/feed`, auth);
    clients.push(client);
    return { status, contentType, client };
  };

  it('refuses anonymous callers, residents and grid workers', async () => {
    expect((await fetch(`${base}/api/v1/feed`)).status).toBe(401);
    const resident = await residentAuth(app, '13800000001');
    expect((await fetch(`${base}/api/v1/feed`, { headers: resident })).status).toBe(403);
    const worker = await staffAuth(app, 'worker.990101001001001');
    expect((await fetch(`${base}/api/v1/feed`, { headers: worker })).status).toBe(403);
  });

  it('streams incident events to officers whose jurisdiction contains them, and only to them', async () => {
    const here = await open(`community.${home.community_id}`);
    expect(here.status).toBe(200);
    expect(here.contentType).toMatch(/text\/event-stream/);
    const there = await open(`community.${away.community_id}`);
    const above = await open('subdistrict.990101001', true);
    const resident = await residentAuth(app, '13800000001');
    const report = await app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: resident,
      payload: { categoryCode: '0101', description: 'Garbage by the gate', lat: home.lat, lng: home.lng },
    });
    expect(report.statusCode, report.body).toBe(201);
    const incidentId = report.json().incident.id;
    await env().ctx.bus.drain();
    const seen = await here.client.waitFor((e) => e.event === 'incident.reported');
    expect(seen.data).toMatchObject({ incidentId, stage: 'collected', path: home.path, categoryCode: '0101' });
    expect(seen.data).not.toHaveProperty('description');
    await above.client.waitFor((e) => e.event === 'incident.reported' && e.data.incidentId === incidentId);

    // The neighbouring community's officer sees its own events, and never this one.
    const elsewhere = await app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: resident,
      payload: { categoryCode: '0101', description: 'Bins overflowing', lat: away.lat, lng: away.lng },
    });
    expect(elsewhere.statusCode).toBe(201);
    await env().ctx.bus.drain();
    await there.client.waitFor((e) => e.event === 'incident.reported');
    expect(there.client.events.some((e) => e.data.incidentId === incidentId)).toBe(false);
    expect(here.client.events.some((e) => e.data.incidentId === elsewhere.json().incident.id)).toBe(false);
  });

  it('shows status changes as grids and colours, never the person', async () => {
    const here = await open(`community.${home.community_id}`);
    await env()
      .ctx.db.transaction()
      .execute((trx) =>
        emitEvent(
          trx,
          env().ctx.clock.now(),
          'status.changed',
          {
            personId: '00000000-0000-4000-8000-000000000001',
            from: 'green',
            to: 'red',
            colorChanged: true,
            gridCode: '990101001001001',
            path: home.path,
            factIds: ['f1'],
            rules: ['close-contact'],
            cause: 'fact',
          },
          '00000000-0000-4000-8000-000000000001',
        ),
      );
    await env().ctx.bus.drain();
    const e = await here.client.waitFor((x) => x.event === 'status.changed');
    expect(Object.keys(e.data).sort()).toEqual(['at', 'colorChanged', 'from', 'gridCode', 'path', 'to']);
  });

  it('resumes after Last-Event-ID from the outbox', async () => {
    const first = await open(`community.${home.community_id}`);
    const resident = await residentAuth(app, '13800000001');
    await app.inject({
      method: 'POST',
      url: '/api/v1/incidents?allowDuplicate=true',
      headers: resident,
      payload: { categoryCode: '0102', description: 'Mud', lat: home.lat, lng: home.lng },
    });
    await env().ctx.bus.drain();
    const got = await first.client.waitFor((e) => e.event === 'incident.reported' && e.data.categoryCode === '0102');
    const auth = await staffAuth(app, `community.${home.community_id}`);
    const { client } = await SseClient.open(`${base}/api/v1/feed`, { ...auth, 'last-event-id': String(got.id - 1) });
    clients.push(client);
    const replayed = await client.waitFor((e) => e.id === got.id);
    expect(replayed.data).toEqual(got.data);
  });
});
