import { useMemo, type KeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AreaGeometry } from '../../api/types.ts';

const W = 320;
const H = 220;
const PAD = 12;

export interface Point {
  lat: number;
  lng: number;
}

/**
 * A small map of my home grid to tap the place of a problem on, drawn as SVG (the map engine is for the command
 * center, not for a resident's phone). Arrow keys move the pin ~10 m, so it works without a pointer too.
 */
export function ReportIncidentMap({
  geometry,
  value,
  onChange,
}: {
  geometry: AreaGeometry;
  value: Point | null;
  onChange: (p: Point) => void;
}) {
  const { t } = useTranslation();
  const rings = useMemo(
    () => (geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat()) as number[][][],
    [geometry],
  );
  const view = useMemo(() => {
    const pts = rings.flat();
    const lngs = pts.map((p) => p[0]!);
    const lats = pts.map((p) => p[1]!);
    const minLng = Math.min(...lngs);
    const maxLng = Math.max(...lngs);
    const minLat = Math.min(...lats);
    const maxLat = Math.max(...lats);
    // Equirectangular, corrected for latitude so the grid keeps its shape; a margin of 30 % around it.
    const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
    const spanX = Math.max((maxLng - minLng) * kx, 1e-6) * 1.3;
    const spanY = Math.max(maxLat - minLat, 1e-6) * 1.3;
    const scale = Math.min((W - 2 * PAD) / spanX, (H - 2 * PAD) / spanY);
    const cx = (minLng + maxLng) / 2;
    const cy = (minLat + maxLat) / 2;
    return {
      toXY: (lng: number, lat: number) => [W / 2 + (lng - cx) * kx * scale, H / 2 - (lat - cy) * scale] as const,
      toLngLat: (x: number, y: number): Point => ({
        lng: cx + (x - W / 2) / (kx * scale),
        lat: cy - (y - H / 2) / scale,
      }),
      center: { lat: cy, lng: cx },
    };
  }, [rings]);

  const path = rings
    .map((ring) => ring.map(([lng, lat], i) => `${i ? 'L' : 'M'}${view.toXY(lng!, lat!).join(',')}`).join('') + 'Z')
    .join('');
  const click = (e: MouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    onChange(view.toLngLat(((e.clientX - box.left) / box.width) * W, ((e.clientY - box.top) / box.height) * H));
  };
  const key = (e: KeyboardEvent<SVGSVGElement>) => {
    const step = 0.0001; // about 10 m
    const p = value ?? view.center;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [step, 0],
      ArrowDown: [-step, 0],
      ArrowLeft: [0, -step],
      ArrowRight: [0, step],
    };
    const m = moves[e.key];
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onChange(p);
    } else if (m) {
      e.preventDefault();
      onChange({ lat: p.lat + m[0], lng: p.lng + m[1] });
    }
  };
  const pin = value ? view.toXY(value.lng, value.lat) : null;
  return (
    <svg
      className="report-map"
      viewBox={`0 0 ${W} ${H}`}
      role="application"
      tabIndex={0}
      aria-label={t('residentExtra.report.mapLabel')}
      data-testid="report-map"
      onClick={click}
      onKeyDown={key}
    >
      <rect width={W} height={H} className="report-map-bg" />
      <path d={path} className="report-map-grid" />
      {pin ? (
        <g className="report-map-pin" data-testid="report-map-pin">
          <circle cx={pin[0]} cy={pin[1]} r={9} />
          <circle cx={pin[0]} cy={pin[1]} r={3} className="report-map-pin-dot" />
        </g>
      ) : null}
    </svg>
  );
}
