import { t } from '../i18n';
import { useEffect, useRef, useState } from 'preact/hooks';
import { startVerifiedWorker } from '../../shared/trusted-types';
import { Icon } from '../icons';
import type { FrameReply, FrameRequest } from './qr.worker';
import qrWorkerUrl from './qr.worker.ts?worker&url';

/** The parts of the Barcode Detection API used here (not in TypeScript's DOM types yet). */
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorConstructor {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?(): Promise<string[]>;
}

/** Reads the QR code in the video's current frame, if there is one. */
type Decoder = (video: HTMLVideoElement) => Promise<string | undefined>;
export type DecoderKind = 'native' | 'library';

const PAUSE_AFTER_SCAN_MS = 1500;
const DETECT_EVERY_MS = 120;
/** Frames for jsQR are scaled to this many pixels a side: enough for a ticket held up to a phone, and a few ms to read. */
const LIBRARY_MAX_SIDE = 640;
const LIBRARY_EVERY_MS = 200;

export function cameraSupported(): boolean {
  return !!navigator.mediaDevices?.getUserMedia;
}

/** The browser's own BarcodeDetector, when it has one that reads QR codes (desktop Chromium may have one without). */
async function nativeDecoder(): Promise<Decoder | null> {
  const Detector = (window as unknown as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const formats = await Detector.getSupportedFormats?.();
    if (formats && !formats.includes('qr_code')) return null;
    const detector = new Detector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue;
  } catch {
    return null;
  }
}

/**
 * jsQR, for iPhones, Firefox and desktop Chromium, which have no BarcodeDetector. It runs in a
 * worker (started from bytes checked against the build's sha384), so decoding never stalls the
 * page, and is downloaded only here, the first time the camera starts on such a browser.
 */
async function libraryDecoder(): Promise<Decoder & { stop(): void }> {
  const worker = await startVerifiedWorker(new URL(qrWorkerUrl, location.href));
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('this browser cannot read camera frames');
  let nextId = 0;
  const waiting = new Map<number, (code: string | undefined) => void>();
  worker.onmessage = ({ data }: MessageEvent<FrameReply>) => {
    waiting.get(data.id)?.(data.code ?? undefined);
    waiting.delete(data.id);
  };
  const decode = (video: HTMLVideoElement) => {
    const scale = Math.min(1, LIBRARY_MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (width === 0 || height === 0) return Promise.resolve(undefined);
    if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
    context.drawImage(video, 0, 0, width, height);
    const pixels = context.getImageData(0, 0, width, height).data.buffer;
    const id = nextId++;
    return new Promise<string | undefined>((resolve) => {
      waiting.set(id, resolve);
      worker.postMessage({ id, width, height, pixels } satisfies FrameRequest, [pixels]);
    });
  };
  return Object.assign(decode, {
    stop() {
      worker.terminate();
      for (const resolve of waiting.values()) resolve(undefined);
      waiting.clear();
    },
  });
}

async function decoderFor(): Promise<{ kind: DecoderKind; decode: Decoder; stop?: () => void }> {
  const native = await nativeDecoder();
  if (native) return { kind: 'native', decode: native };
  const library = await libraryDecoder();
  return { kind: 'library', decode: library, stop: library.stop };
}

/**
 * Scans QR codes from the camera with the browser's BarcodeDetector, or jsQR where there is none.
 * After a scan it pauses for 1.5 s, and it ignores the same code twice in a row (a ticket held in
 * front of the lens).
 */
export function CameraScanner(props: { onCode: (code: string) => void }) {
  const [active, setActive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [cooling, setCooling] = useState(false);
  const [decoder, setDecoder] = useState<DecoderKind | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const onCode = useRef(props.onCode);
  onCode.current = props.onCode;

  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let stream: MediaStream | undefined;
    let stopDecoder: (() => void) | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = '';
    let pauseUntil = 0;
    const start = async () => {
      try {
        const { kind, decode, stop } = await decoderFor();
        stopDecoder = stop;
        if (stopped) return stop?.();
        setDecoder(kind);
        const every = kind === 'native' ? DETECT_EVERY_MS : LIBRARY_EVERY_MS;
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        const loop = async () => {
          if (stopped) return;
          const v = video.current;
          if (v && Date.now() >= pauseUntil && v.readyState >= 2) {
            try {
              const value = (await decode(v))?.trim();
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
          timer = setTimeout(loop, every);
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
      stopDecoder?.();
    };
  }, [active]);

  return (
    <div class="camera" data-testid="camera" data-decoder={decoder ?? undefined}>
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
