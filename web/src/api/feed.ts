import { API_BASE, urlFor } from './client.ts';

export interface FeedEvent {
  id: number;
  topic: string;
  data: Record<string, unknown> & { at?: string };
}

/** Splits a Server-Sent Events stream into frames; comments (": ping") and retry lines are skipped. */
export function parseFrames(buffer: string): { frames: FeedEvent[]; rest: string } {
  const frames: FeedEvent[] = [];
  const parts = buffer.split(/\r?\n\r?\n/);
  const rest = parts.pop() ?? '';
  for (const part of parts) {
    let id: number | null = null;
    let topic = 'message';
    const data: string[] = [];
    for (const line of part.split(/\r?\n/)) {
      if (line.startsWith('id:')) id = Number(line.slice(3).trim());
      else if (line.startsWith('event:')) topic = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (id === null || data.length === 0) continue;
    try {
      frames.push({ id, topic, data: JSON.parse(data.join('\n')) as FeedEvent['data'] });
    } catch {
      // A frame we cannot read is skipped; the next one carries its own id.
    }
  }
  return { frames, rest };
}

/**
 * Follows GET /feed with fetch streaming, so the bearer token travels in the Authorization header and never in a
 * URL (EventSource cannot send headers). Reconnects after 5 s and resumes from the last event id.
 */
export function followFeed(
  token: string,
  onEvent: (e: FeedEvent) => void,
  onState: (connected: boolean) => void,
): () => void {
  const ac = new AbortController();
  let lastId: number | null = null;
  const run = async () => {
    while (!ac.signal.aborted) {
      try {
        const res = await fetch(urlFor('/feed', { lastEventId: lastId ?? undefined }), {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
          signal: ac.signal,
        });
        if (!res.ok || !res.body) throw new Error(`${API_BASE}/feed: ${res.status}`);
        onState(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const { frames, rest } = parseFrames(buffer + value);
          buffer = rest;
          for (const f of frames) {
            lastId = f.id;
            onEvent(f);
          }
        }
      } catch {
        if (ac.signal.aborted) return;
      }
      onState(false);
      await new Promise((r) => setTimeout(r, 5_000));
    }
  };
  void run();
  return () => ac.abort();
}
