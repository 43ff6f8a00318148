import { createHash } from 'node:crypto';
import { unprocessable } from '../../platform/http/problem.ts';

/**
 * Incident photos arrive base64-encoded in the JSON report and are stored in the database. The type is decided
 * by the file's magic bytes, never by a name or a declared type, so a renamed document cannot pass as a photo.
 */

export const MAX_PHOTOS = 4;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

export interface DecodedPhoto {
  contentType: PhotoType;
  data: Buffer;
  bytes: number;
  sha256: string;
}

const startsWith = (b: Uint8Array, sig: readonly number[], offset = 0) =>
  b.length >= offset + sig.length && sig.every((v, i) => b[offset + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The image type named by the leading bytes, or null when they are not a JPEG, PNG or WebP file. */
export function sniffImageType(b: Uint8Array): PhotoType | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

/** What a rejected file looks like, so the error can say more than "not an image". */
function describeUnknown(b: Uint8Array): string {
  if (startsWith(b, ascii('%PDF'))) return 'a PDF document';
  if (startsWith(b, ascii('GIF8'))) return 'a GIF image';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive (or an Office document)';
  if (startsWith(b, ascii('ftyp'), 4)) return 'a HEIC/MP4-family file';
  if (startsWith(b, ascii('BM'))) return 'a BMP image';
  if (startsWith(b, ascii('<'))) return 'text (HTML, XML or SVG)';
  return 'not a recognised image';
}

const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;
const DATA_URL_RE = /^data:[\w/+.-]+;base64,/;

/** Upper bound of the decoded size of a base64 string, computed without decoding it. */
function decodedLength(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - pad;
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Decodes and checks every photo; all problems are reported together (422), each naming its photo.
 * `field` is the request field the photos came in, e.g. `body.photos`.
 */
export function decodePhotos(photos: readonly { data: string }[], field = 'body.photos'): DecodedPhoto[] {
  const errors: { field: string; message: string }[] = [];
  if (photos.length > MAX_PHOTOS)
    errors.push({ field, message: `${photos.length} photos sent; at most ${MAX_PHOTOS} are accepted per report` });
  const out: DecodedPhoto[] = [];
  photos.slice(0, MAX_PHOTOS).forEach((p, i) => {
    const f = `${field}[${i}]`;
    const b64 = p.data.replace(DATA_URL_RE, '').replace(/\s+/g, '');
    if (b64.length === 0) return errors.push({ field: f, message: 'the photo is empty' });
    if (!BASE64_RE.test(b64)) return errors.push({ field: f, message: 'the photo is not base64-encoded data' });
    const size = decodedLength(b64);
    if (size > MAX_PHOTO_BYTES)
      return errors.push({
        field: f,
        message: `the photo is ${mb(size)}; at most ${mb(MAX_PHOTO_BYTES)} is accepted`,
      });
    const data = Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64');
    const type = sniffImageType(data);
    if (!type)
      return errors.push({
        field: f,
        message: `the file is ${describeUnknown(data)}; photos must be JPEG, PNG or WebP`,
      });
    out.push({ contentType: type, data, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    return undefined;
  });
  if (errors.length > 0) throw unprocessable(errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  return out;
}
