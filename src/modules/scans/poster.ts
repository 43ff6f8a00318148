import QRCode from 'qrcode';

export interface PosterInput {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: 'venue' | 'sentinel';
  category: string;
  /** Jurisdiction names from the district down, zh-CN and English. */
  jurisdictionZh: string;
  jurisdictionEn: string;
  gridCode: string;
  placeId: string;
  issuer: string;
  expiresAt: Date;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Font size that keeps a line inside `width` user units (CJK glyphs are about one em wide, Latin about half). */
function fit(text: string, width: number, max: number): number {
  let ems = 0;
  for (const ch of text) ems += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 1 : 0.58;
  return Math.max(28, Math.min(max, Math.floor(width / Math.max(ems, 1))));
}

/**
 * A printable A4 poster (SVG, 210 × 297 mm): the place's name in both languages, the QR code of its signed TSP1 code
 * (alphanumeric mode, error correction Q, as docs/codes.md recommends) and the jurisdiction it lies in.
 */
export async function renderPoster(p: PosterInput): Promise<string> {
  const qr = await QRCode.toString([{ data: p.code, mode: 'alphanumeric' }], {
    type: 'svg',
    errorCorrectionLevel: 'Q',
    margin: 4,
  });
  const size = 1500;
  const x = (2100 - size) / 2;
  const y = 760;
  const embedded = qr.replace('<svg ', `<svg x="${x}" y="${y}" width="${size}" height="${size}" `);
  const band = p.kind === 'sentinel' ? '#1f4e79' : '#0f6b4f';
  const title = p.kind === 'sentinel' ? '哨点码 · Sentinel code' : '场所码 · Place code';
  const valid = p.expiresAt.toISOString().slice(0, 10);
  const line = (yy: number, text: string, size2: number, weight = 400, fill = '#111') =>
    `<text x="1050" y="${yy}" text-anchor="middle" font-size="${size2}" font-weight="${weight}" fill="${fill}">${esc(text)}</text>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 2100 2970" ' +
      `font-family="'Noto Sans CJK SC','WenQuanYi Micro Hei','PingFang SC','Microsoft YaHei',sans-serif">`,
    `<title>${esc(`${p.nameZh} / ${p.nameEn}`)}</title>`,
    '<rect width="2100" height="2970" fill="#ffffff"/>',
    `<rect width="2100" height="260" fill="${band}"/>`,
    line(170, title, 96, 700, '#ffffff'),
    line(460, p.nameZh, fit(p.nameZh, 1900, 150), 700),
    line(620, p.nameEn, fit(p.nameEn, 1900, 96), 400, '#333'),
    embedded,
    line(2380, '请使用 Tessera 扫码登记', 84, 700),
    line(2480, 'Scan with Tessera to check in', 64, 400, '#333'),
    `<rect x="150" y="2560" width="1800" height="4" fill="${band}"/>`,
    line(2660, p.jurisdictionZh, fit(p.jurisdictionZh, 1800, 56), 400, '#333'),
    line(2740, p.jurisdictionEn, fit(p.jurisdictionEn, 1800, 44), 400, '#333'),
    line(
      2840,
      `网格 Grid ${p.gridCode} · 有效期至 valid until ${valid} · ${p.category} · ${p.issuer}`,
      36,
      400,
      '#666',
    ),
    line(2900, p.placeId, 30, 400, '#888'),
    '</svg>',
    '',
  ].join('\n');
}
