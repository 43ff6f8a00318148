import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { GraphEdge, GraphNode, TransmissionGraph as Graph } from '../api/cases.ts';
import { useLanguage } from '../i18n/format.ts';
import type { Language } from '../i18n/index.ts';

/** A pseudonymous label: the first block of a UUID, enough to tell people apart on one screen, never a name. */
export const shortId = (id: string) => id.replace(/^[a-z_]+:/, '').slice(0, 8);

const COL_W = 380;
const ROW_H = 64;
const NODE_W = 200;
const NODE_H = 46;
const PAD = 24;
/** Beyond this many people in one layer the picture stops being readable; the table below lists everyone. */
const MAX_PER_LAYER = 40;

interface Placed {
  node: GraphNode;
  layer: number;
  row: number;
  x: number;
  y: number;
}

/**
 * Layers by distance from the source cases (people nobody in the graph exposed): the index case on the left, its close
 * contacts next, their secondary contacts after. Within a layer, people are ordered by who exposed them so edges cross
 * little.
 */
export function layout(nodes: readonly GraphNode[], edges: readonly GraphEdge[]) {
  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
    outgoing.set(e.from, [...(outgoing.get(e.from) ?? []), e]);
  }
  const layerOf = new Map<string, number>();
  const roots = nodes.filter((n) => !incoming.has(n.personId));
  const queue = (roots.length ? roots : nodes.slice(0, 1)).map((n) => n.personId);
  for (const id of queue) layerOf.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const e of outgoing.get(id) ?? []) {
      if (layerOf.has(e.to)) continue;
      layerOf.set(e.to, layerOf.get(id)! + 1);
      queue.push(e.to);
    }
  }
  for (const n of nodes) if (!layerOf.has(n.personId)) layerOf.set(n.personId, 0);
  const layers: GraphNode[][] = [];
  for (const n of nodes) (layers[layerOf.get(n.personId)!] ??= []).push(n);
  const placed = new Map<string, Placed>();
  let hidden = 0;
  layers.forEach((layer, li) => {
    const parentRow = (n: GraphNode) => {
      const p = (incoming.get(n.personId) ?? []).map((e) => placed.get(e.from)?.row ?? 0);
      return p.length ? Math.min(...p) : 0;
    };
    const sorted = [...layer].sort(
      (a, b) => parentRow(a) - parentRow(b) || (a.kind === 'case' ? -1 : 0) - (b.kind === 'case' ? -1 : 0),
    );
    hidden += Math.max(0, sorted.length - MAX_PER_LAYER);
    sorted.slice(0, MAX_PER_LAYER).forEach((node, row) => {
      placed.set(node.personId, {
        node,
        layer: li,
        row,
        x: PAD + li * COL_W,
        y: PAD + row * ROW_H,
      });
    });
  });
  const rows = Math.max(1, ...layers.map((l) => Math.min(l.length, MAX_PER_LAYER)));
  return {
    placed: [...placed.values()],
    at: placed,
    width: PAD * 2 + Math.max(0, layers.length - 1) * COL_W + NODE_W,
    height: PAD * 2 + (rows - 1) * ROW_H + NODE_H,
    hidden,
  };
}

const day = (iso: string, lang: Language) =>
  new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric' }).format(new Date(iso));
const time = (iso: string, lang: Language) =>
  new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );

/** The transmission graph as an SVG: people by pseudonymous id and date, edges labelled with the link kind. */
export function TransmissionGraph({ graph }: { graph: Graph }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const titleId = useId();
  const { placed, at, width, height, hidden } = useMemo(() => layout(graph.nodes, graph.edges), [graph]);
  const caseById = new Map(graph.cases.map((c) => [c.id, c]));
  const firstEdgeTo = new Map<string, GraphEdge>();
  for (const e of graph.edges) if (!firstEdgeTo.has(e.to)) firstEdgeTo.set(e.to, e);
  const placeName = (id: string | null) => {
    if (!id) return null;
    const p = graph.places[id];
    return p ? (lang === 'zh-CN' ? p.nameZh : p.nameEn) : shortId(id);
  };
  const nodeLabel = (n: GraphNode) =>
    n.kind === 'case' && n.caseId
      ? t('healthDesk.graph.caseNode', { id: shortId(n.caseId) })
      : t('healthDesk.graph.personNode', { id: shortId(n.personId) });
  const nodeDate = (n: GraphNode) => {
    const c = n.caseId ? caseById.get(n.caseId) : undefined;
    if (c) return t('healthDesk.graph.specimen', { date: day(c.specimenAt, lang) });
    const e = firstEdgeTo.get(n.personId);
    return e ? t('healthDesk.graph.exposed', { date: day(e.endAt, lang) }) : '';
  };
  const kindLabel = (k: GraphNode['kind']) => t(`healthDesk.graph.kind.${k}`);

  if (graph.nodes.length === 0) return <p className="muted">{t('healthDesk.graph.empty')}</p>;
  return (
    <figure className="hd-graph" data-testid="transmission-graph">
      <div className="hd-graph-scroll">
        <svg
          role="img"
          aria-labelledby={titleId}
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          className="hd-graph-svg"
        >
          <title id={titleId}>
            {t('healthDesk.graph.summary', { nodes: graph.nodes.length, edges: graph.edges.length })}
          </title>
          <defs>
            <marker
              id={`${titleId}-arrow`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" className="hd-arrow" />
            </marker>
          </defs>
          {graph.edges.map((e) => {
            const a = at.get(e.from);
            const b = at.get(e.to);
            if (!a || !b) return null;
            const x1 = a.x + NODE_W;
            const y1 = a.y + NODE_H / 2;
            const x2 = b.x;
            const y2 = b.y + NODE_H / 2;
            const mx = (x1 + x2) / 2;
            return (
              <g
                key={e.exposureId}
                className={`hd-edge hd-edge-${e.degree}${e.state === 'pending' ? ' hd-edge-pending' : ''}`}
                data-edge={e.exposureId}
              >
                <path d={`M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`} markerEnd={`url(#${titleId}-arrow)`} />
                <text x={mx} y={(y1 + y2) / 2 - 6} textAnchor="middle" className="hd-edge-label">
                  {t(`healthDesk.graph.link.${e.degree}`)}
                </text>
                {e.state === 'pending' ? (
                  <text x={mx} y={(y1 + y2) / 2 + 14} textAnchor="middle" className="hd-edge-label">
                    {t('healthDesk.graph.pending')}
                  </text>
                ) : null}
              </g>
            );
          })}
          {placed.map((p) => (
            <g
              key={p.node.personId}
              transform={`translate(${p.x},${p.y})`}
              className={`hd-node hd-node-${p.node.kind}`}
              data-node={p.node.kind}
            >
              <rect width={NODE_W} height={NODE_H} rx={8} />
              <text x={10} y={19} className="hd-node-id">
                {nodeLabel(p.node)}
              </text>
              <text x={10} y={36} className="hd-node-date">
                {kindLabel(p.node.kind)} · {nodeDate(p.node)}
              </text>
            </g>
          ))}
        </svg>
      </div>
      <figcaption className="muted small">
        {t('healthDesk.graph.legend')}
        {hidden > 0 ? ` ${t('healthDesk.graph.hidden', { count: hidden })}` : ''}
      </figcaption>
      <details className="hd-graph-table">
        <summary>{t('healthDesk.graph.asTable')}</summary>
        <table className="hd-table">
          <thead>
            <tr>
              <th scope="col">{t('healthDesk.graph.from')}</th>
              <th scope="col">{t('healthDesk.graph.to')}</th>
              <th scope="col">{t('healthDesk.graph.linkKind')}</th>
              <th scope="col">{t('healthDesk.graph.place')}</th>
              <th scope="col">{t('healthDesk.graph.when')}</th>
            </tr>
          </thead>
          <tbody>
            {graph.edges.map((e) => (
              <tr key={e.exposureId}>
                <td className="mono">{shortId(e.from)}</td>
                <td className="mono">
                  {shortId(e.to)}
                  {e.becameCase ? ` (${t('healthDesk.graph.becameCase')})` : ''}
                </td>
                <td>
                  {t(`healthDesk.graph.link.${e.degree}`)}
                  {e.state === 'pending' ? ` · ${t('healthDesk.graph.pending')}` : ''}
                </td>
                <td>{placeName(e.placeId) ?? '—'}</td>
                <td>
                  {time(e.startAt, lang)} – {time(e.endAt, lang)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
