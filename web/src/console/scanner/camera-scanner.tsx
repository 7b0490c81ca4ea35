import { t } from '../i18n';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from '../icons';

/** The parts of the Barcode Detection API used here (not in TypeScript's DOM types yet). */
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike;

const PAUSE_AFTER_SCAN_MS = 1500;
const DETECT_EVERY_MS = 120;

export function cameraSupported(): boolean {
  return 'BarcodeDetector' in window && !!navigator.mediaDevices?.getUserMedia;
}

/**
 * Scans QR codes from the camera with the browser's BarcodeDetector. After a scan it pauses for
 * 1.5 s, and it ignores the same code twice in a row (a ticket held in front of the lens).
 */
export function CameraScanner(props: { onCode: (code: string) => void }) {
  const [active, setActive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [cooling, setCooling] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const onCode = useRef(props.onCode);
  onCode.current = props.onCode;

  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = '';
    let pauseUntil = 0;
    const start = async () => {
      try {
        const Detector = (window as unknown as { BarcodeDetector: BarcodeDetectorConstructor }).BarcodeDetector;
        const detector = new Detector({ formats: ['qr_code'] });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        const loop = async () => {
          if (stopped) return;
          const v = video.current;
          if (v && Date.now() >= pauseUntil && v.readyState >= 2) {
            try {
              const value = (await detector.detect(v))[0]?.rawValue?.trim();
              if (value && value !== last && !stopped) {
                last = value;
                pauseUntil = Date.now() + PAUSE_AFTER_SCAN_MS;
                setCooling(true);
                setTimeout(() => {
                  if (!stopped) setCooling(false);
                }, PAUSE_AFTER_SCAN_MS);
                onCode.current(value);
              }
            } catch {
              /* a frame that can't be read; try the next one */
            }
          }
          timer = setTimeout(loop, DETECT_EVERY_MS);
        };
        void loop();
      } catch (e) {
        const name = (e as Error).name;
        setError(
          name === 'NotAllowedError'
            ? t('scanner.cameraNotAllowed')
            : name === 'NotFoundError'
              ? t('scanner.cameraNotFound')
              : t('scanner.cameraFailed', { message: (e as Error).message }),
        );
        setActive(false);
      }
    };
    void start();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [active]);

  return (
    <div class="camera" data-testid="camera">
      <div class={`camera-view ${active ? '' : 'camera-off'} ${cooling ? 'camera-cooling' : ''}`}>
        <video ref={video} muted playsInline aria-label={t('scanner.cameraView')} data-testid="camera-video" />
        {active && <span class="camera-frame" aria-hidden="true" />}
        {!active && (
          <span class="camera-placeholder">
            <Icon name="camera" size={32} /> {t('scanner.cameraOff')}
          </span>
        )}
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        class={`btn ${active ? 'btn-secondary' : 'btn-primary'} btn-block`}
        data-testid="camera-toggle"
        onClick={() => {
          setError(null);
          setActive(!active);
        }}
      >
        <Icon name="camera" /> {active ? t('scanner.stopCamera') : t('scanner.startCamera')}
      </button>
    </div>
  );
}
