import jsQR from 'jsqr';

/**
 * Reads QR codes off the console's main thread, for browsers without BarcodeDetector. One camera
 * frame (RGBA pixels) in, its code (or null) out. jsQR is plain JavaScript: no eval, no
 * WebAssembly, no HTML sinks, so it runs under the pages' CSP and Trusted Types.
 */
export interface FrameRequest {
  id: number;
  width: number;
  height: number;
  pixels: ArrayBuffer;
}
export interface FrameReply {
  id: number;
  code: string | null;
}

addEventListener('message', (event: MessageEvent<FrameRequest>) => {
  const { id, width, height, pixels } = event.data;
  let code: string | null = null;
  try {
    code = jsQR(new Uint8ClampedArray(pixels), width, height, { inversionAttempts: 'dontInvert' })?.data ?? null;
  } catch {
    /* an unreadable frame: the next one may do */
  }
  postMessage({ id, code } satisfies FrameReply);
});
