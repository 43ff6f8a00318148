import { connect, JSONCodec, type NatsConnection, type JetStreamClient } from 'nats';
import type { BusEvent, Transport } from './bus.ts';

const STREAM = 'TESSERA';

/** Publishes outbox events to NATS JetStream subject `tessera.<topic>`, deduplicated by outbox id. */
export async function createNatsTransport(url: string): Promise<Transport> {
  const nc: NatsConnection = await connect({ servers: url.replace(/^nats:\/\//, ''), timeout: 3000 });
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(STREAM);
  } catch {
    await jsm.streams.add({ name: STREAM, subjects: ['tessera.>'] });
  }
  const js: JetStreamClient = nc.jetstream();
  const codec = JSONCodec();
  return {
    async publish(event: BusEvent) {
      await js.publish(`tessera.${event.topic}`, codec.encode(event), { msgID: `outbox-${event.id}` });
    },
    async close() {
      await nc.drain();
    },
  };
}
