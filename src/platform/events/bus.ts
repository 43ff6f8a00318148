import type { Database } from '../database/database.ts';
import type { Logger } from '../logger.ts';

export interface BusEvent {
  id: number;
  topic: string;
  key: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export type Subscriber = (event: BusEvent) => void | Promise<void>;

export interface Transport {
  publish(event: BusEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * Relays outbox rows to subscribers (in-process) and, when configured, to an external transport
 * such as NATS JetStream. Rows are marked published only after delivery, so a crash re-delivers
 * (at-least-once); subscribers must be idempotent.
 */
export class EventBus {
  private subscribers: Array<{ pattern: string; fn: Subscriber }> = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private db: Database,
    private logger: Logger,
    private transport: Transport | null = null,
  ) {}

  /** `pattern` is a topic or a prefix ending in `*` (e.g. `status.*`). */
  subscribe(pattern: string, fn: Subscriber): () => void {
    const entry = { pattern, fn };
    this.subscribers.push(entry);
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== entry);
    };
  }

  start(intervalMs = 250): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => void this.drain().catch((e) => this.logger.error({ err: e }, 'outbox relay')),
      intervalMs,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.transport?.close();
  }

  /** Publishes everything pending; returns the number of events relayed. */
  async drain(batch = 500): Promise<number> {
    if (this.running) return this.running;
    this.running = this.drainOnce(batch).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drainOnce(batch: number): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('outbox')
        .selectAll()
        .where('published_at', 'is', null)
        .orderBy('id')
        .limit(batch)
        .execute();
      if (rows.length === 0) return total;
      for (const row of rows) {
        const event: BusEvent = {
          id: Number(row.id),
          topic: row.topic,
          key: row.key,
          payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>,
          createdAt: new Date(row.created_at),
        };
        if (this.transport) await this.transport.publish(event);
        for (const s of this.subscribers) {
          if (matches(s.pattern, event.topic)) {
            try {
              await s.fn(event);
            } catch (err) {
              this.logger.error({ err, topic: event.topic, eventId: event.id }, 'event subscriber failed');
            }
          }
        }
      }
      const ids = rows.map((r) => Number(r.id));
      await this.db.updateTable('outbox').set({ published_at: new Date() }).where('id', 'in', ids).execute();
      total += rows.length;
    }
  }
}

function matches(pattern: string, topic: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return topic.startsWith(pattern.slice(0, -1));
  return pattern === topic;
}
