import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import QRCode from 'qrcode';
import { launch } from './browser.ts';

/**
 * A Y4M clip of a QR code (as on a poster or a phone held up to the camera), for Chromium's fake capture device.
 * ffmpeg turns the PNG into a few seconds of 640×480 video; Chromium loops it.
 */
export async function qrVideo(text: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-camera-'));
  const png = path.join(dir, 'qr.png');
  const y4m = path.join(dir, 'qr.y4m');
  await QRCode.toFile(png, text, { errorCorrectionLevel: 'M', margin: 4, width: 440 });
  const r = spawnSync(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-loop',
      '1',
      '-i',
      png,
      '-vf',
      'pad=640:480:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p',
      '-t',
      '2',
      '-r',
      '10',
      '-y',
      y4m,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`ffmpeg failed (is it installed?): ${r.stderr ?? r.error}`);
  return y4m;
}

/** Chromium whose camera shows the given clip, with the permission prompt answered "allow". */
export function launchWithCamera(y4m: string): Promise<Browser> {
  return launch([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4m}`,
  ]);
}

/** Removes a clip made by qrVideo. */
export const removeVideo = (y4m: string): void => rmSync(path.dirname(y4m), { recursive: true, force: true });
