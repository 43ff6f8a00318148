import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';

/**
 * Draws a QR code on the device. TSR1/TSP1 codes are "PREFIX:" + base45, all inside the QR alphanumeric set,
 * so they go in as one alphanumeric segment: a smaller symbol that scans faster than byte mode.
 */
export function QrCanvas({ text, label, size = 320 }: { text: string; label: string; size?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const alnum = /^[0-9A-Z $%*+\-./:]*$/.test(text);
    QRCode.toCanvas(canvas, alnum ? [{ data: text, mode: 'alphanumeric' }] : text, {
      errorCorrectionLevel: 'M',
      margin: 4,
      width: size,
      color: { dark: '#000000', light: '#ffffff' },
    }).then(
      () => setFailed(null),
      (e: unknown) => setFailed(e instanceof Error ? e.message : String(e)),
    );
  }, [text, size]);
  return (
    <>
      <canvas ref={ref} role="img" aria-label={label} className="qr-canvas" data-testid="qr-canvas" />
      {failed ? (
        <p role="alert" lang="en">
          {failed}
        </p>
      ) : null}
    </>
  );
}
