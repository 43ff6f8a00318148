import jsQRModule from 'jsqr';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './camera.css';

// jsqr is CommonJS; its function is both module.exports and .default, and NodeNext types see only the latter.
const jsQR = jsQRModule.default;

/**
 * Reads QR codes from the rear camera: frames go through jsQR on a canvas, ~8 times a second.
 * Calls onCode once per distinct text; the caller stops it by unmounting.
 */
export function CameraScanner({
  onCode,
  accept,
}: {
  onCode: (text: string) => void;
  accept: (text: string) => boolean;
}) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const last = useRef<string | null>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;
  const acceptRef = useRef(accept);
  acceptRef.current = accept;

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let stopped = false;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const tick = () => {
      const v = video.current;
      if (stopped || !v || !ctx) return;
      if (v.readyState >= 2 && v.videoWidth > 0) {
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        ctx.drawImage(v, 0, 0);
        const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const found = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
        if (found && found.data !== last.current && acceptRef.current(found.data)) {
          last.current = found.data;
          onCodeRef.current(found.data);
        }
      }
      timer = window.setTimeout(tick, 120);
    };
    (async () => {
      if (!navigator.mediaDevices?.getUserMedia) return setError(t('camera.unsupported'));
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch (e) {
        return setError(
          e instanceof DOMException && e.name === 'NotAllowedError' ? t('camera.denied') : t('camera.failed'),
        );
      }
      if (stopped) return stream.getTracks().forEach((tr) => tr.stop());
      const v = video.current;
      if (!v) return;
      v.srcObject = stream;
      await v.play().catch(() => {});
      tick();
    })();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [t]);

  return (
    <div className="camera" data-testid="camera">
      <video ref={video} muted playsInline aria-label={t('camera.view')} />
      {error ? <p role="alert">{error}</p> : <p className="muted small">{t('camera.hint')}</p>}
    </div>
  );
}
