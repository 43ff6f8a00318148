import { XMLBuilder } from 'fast-xml-parser';
import { MINUTE_MS } from '../../core/workflow/index.ts';

/**
 * GeoReport v2 wire formats. Every resource is requested as `name.xml` or `name.json`; XML is the spec's
 * required format (and the default without an extension). Element names are the spec's, lists are a plural root
 * with singular children (`<services><service>…`), and errors are `[{code, description}]`.
 */

export type Open311Format = 'xml' | 'json';

/** Splits `services.json` into the name and the format; null when the extension is neither. */
export function splitFormat(file: string): { name: string; format: Open311Format } | null {
  const m = /^(.*?)(?:\.(json|xml))?$/.exec(file);
  if (!m || m[1] === undefined) return null;
  if (m[2] === undefined && /\.[a-z0-9]+$/i.test(file)) return null;
  return { name: m[1], format: (m[2] as Open311Format | undefined) ?? 'xml' };
}

export const CONTENT_TYPE: Readonly<Record<Open311Format, string>> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const builder = new XMLBuilder({ format: true, ignoreAttributes: false, suppressEmptyNode: false });

type Scalar = string | number | boolean | null | undefined;
type Node = Scalar | Node[] | { [k: string]: Node };

/** XML has no null: absent values are empty elements. */
function forXml(v: Node): Node {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(forXml);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, forXml(x)]));
  return v;
}

/** Gives list-valued fields their singular child elements (`attributes` → `<attribute>`), recursively. */
function nest(o: Record<string, unknown>, nested: Readonly<Record<string, string>>): Record<string, Node> {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => {
      const child = nested[k];
      const inner = (x: unknown): Node =>
        typeof x === 'object' && x !== null ? nest(x as Record<string, unknown>, nested) : (x as Node);
      if (child && Array.isArray(v)) return [k, { [child]: v.map(inner) }];
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return [k, inner(v)];
      return [k, v as Node];
    }),
  );
}

/** A list resource: JSON is the bare array; XML wraps each item in `<item>` under `<root>`. */
export function renderList(
  format: Open311Format,
  root: string,
  item: string,
  items: readonly object[],
  nested: Readonly<Record<string, string>> = {},
): string {
  if (format === 'json') return JSON.stringify(items);
  return document({ [root]: { [item]: items.map((i) => nest(i as Record<string, unknown>, nested)) } });
}

/** A single-object resource (discovery, a service definition). */
export function renderObject(
  format: Open311Format,
  root: string,
  value: object,
  nested: Readonly<Record<string, string>> = {},
): string {
  if (format === 'json') return JSON.stringify(value);
  return document({ [root]: nest(value as Record<string, unknown>, nested) });
}

function document(body: Record<string, Node>): string {
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, ...(forXml(body) as object) });
}

export interface Open311Error {
  code: number;
  description: string;
}

export function renderErrors(format: Open311Format, errors: readonly Open311Error[]): string {
  return renderList(format, 'errors', 'error', errors);
}

/** W3C date-time with the deployment's offset, as the spec's examples (`2010-04-14T06:37:38-08:00`). */
export function w3cDatetime(ms: number | null, utcOffsetMinutes: number): string | null {
  if (ms === null) return null;
  const d = new Date(ms + utcOffsetMinutes * MINUTE_MS);
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${d.toISOString().slice(0, 19)}${offset}`;
}
