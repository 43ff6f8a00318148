import { Marker, type Map as MapLibreMap } from 'maplibre-gl';

export interface Label {
  id: string;
  lngLat: [number, number];
  text: string;
  kind: 'area' | 'grid';
}

/**
 * Area names as HTML overlays: the style has no glyphs (nothing is fetched from outside), and the browser
 * shapes Chinese text better than a glyph atlas would. Only tens of labels exist at any level.
 */
export class LabelLayer {
  private markers = new Map<string, { marker: Marker; el: HTMLElement }>();
  constructor(private map: MapLibreMap) {}

  sync(labels: readonly Label[]): void {
    const keep = new Set(labels.map((l) => l.id));
    for (const [id, m] of this.markers) {
      if (!keep.has(id)) {
        m.marker.remove();
        this.markers.delete(id);
      }
    }
    for (const l of labels) {
      const existing = this.markers.get(l.id);
      if (existing) {
        existing.el.textContent = l.text;
        existing.marker.setLngLat(l.lngLat);
        continue;
      }
      const el = document.createElement('div');
      el.className = `map-label map-label-${l.kind}`;
      el.textContent = l.text;
      // Labels describe what is under them; the polygons (and the side list) are the things to act on.
      el.setAttribute('aria-hidden', 'true');
      const marker = new Marker({ element: el }).setLngLat(l.lngLat).addTo(this.map);
      this.markers.set(l.id, { marker, el });
    }
  }

  clear(): void {
    this.sync([]);
  }
}
