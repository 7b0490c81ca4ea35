import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { SeatModel } from './seat-model.js';

/**
 * How big the seat map is drawn. Seats are never drawn under 14 px across with a mouse, or under
 * 20 px (a 24 px pitch, the tap target) with a finger: the map starts at that size, scrolling
 * where the hall is wider than the screen, and zooms in from there up to about 64 px seats.
 * It zooms with the buttons, with + and − while focus is in the map, with Ctrl/⌘ and the wheel
 * (a trackpad's pinch comes as that), and with two fingers; the point under the pointer (or the
 * middle, for buttons and keys) stays where it was.
 */
const MIN_MOUSE_PX = 14;
const MIN_TOUCH_PX = 20;
const MAX_PX = 64;
export const ZOOM_STEP = 1.5;

const coarsePointer = () => typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;

export function useMapZoom(model: SeatModel | null) {
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [wanted, setWanted] = useState<number | null>(null);
  const anchor = useRef<{ fx: number; fy: number; x: number; y: number } | null>(null);

  const present = model !== null;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [present]);

  // The width of one seat, in pixels, when the map is as wide as its box.
  const seatAtOne = model && width ? (2 * model.radius * width) / model.bounds.width : 0;
  const min = seatAtOne ? Math.max(1, (coarsePointer() ? MIN_TOUCH_PX : MIN_MOUSE_PX) / seatAtOne) : 1;
  const max = seatAtOne ? Math.max(min * 2, MAX_PX / seatAtOne) : 1;
  const zoom = Math.min(max, Math.max(min, wanted ?? min));

  const zoomRef = useRef({ zoom, min, max });
  zoomRef.current = { zoom, min, max };

  /** Zooms to `next` (clamped), keeping the given point (or the middle) of the map where it is; says whether it changed. */
  const zoomTo = (next: number, clientX?: number, clientY?: number): boolean => {
    const { zoom: now, min: lo, max: hi } = zoomRef.current;
    const target = Math.min(hi, Math.max(lo, next));
    const el = scroller.current;
    if (Math.abs(target - now) < 0.001) return false;
    if (el) {
      const rect = el.getBoundingClientRect();
      const x = clientX === undefined ? el.clientWidth / 2 : clientX - rect.left;
      const y = clientY === undefined ? el.clientHeight / 2 : clientY - rect.top;
      anchor.current = { fx: (el.scrollLeft + x) / el.scrollWidth, fy: (el.scrollTop + y) / el.scrollHeight, x, y };
    }
    zoomRef.current = { ...zoomRef.current, zoom: target };
    setWanted(target);
    return true;
  };

  // A hall wider than the box opens at its middle, where the stage usually faces.
  const centred = useRef(false);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || centred.current || !seatAtOne) return;
    centred.current = true;
    el.scrollLeft = (el.scrollWidth - el.clientWidth) / 2;
  }, [seatAtOne]);

  useLayoutEffect(() => {
    const el = scroller.current;
    const at = anchor.current;
    if (!el || !at) return;
    el.scrollLeft = at.fx * el.scrollWidth - at.x;
    el.scrollTop = at.fy * el.scrollHeight - at.y;
    anchor.current = null;
  }, [zoom]);

  // Wheel and pinch need listeners that can cancel the page's own zoom and scroll.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      zoomTo(zoomRef.current.zoom * Math.exp(-event.deltaY * 0.01), event.clientX, event.clientY);
    };
    const fingers = new Map<number, { x: number; y: number }>();
    let pinch: { distance: number; zoom: number } | null = null;
    const spread = () => {
      const [a, b] = [...fingers.values()];
      return a && b ? { distance: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : null;
    };
    const down = (event: PointerEvent) => {
      if (event.pointerType !== 'touch') return;
      fingers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      const s = spread();
      if (fingers.size === 2 && s) pinch = { distance: s.distance, zoom: zoomRef.current.zoom };
    };
    const move = (event: PointerEvent) => {
      if (!fingers.has(event.pointerId)) return;
      fingers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      const s = spread();
      if (pinch && s && pinch.distance > 0) zoomTo((pinch.zoom * s.distance) / pinch.distance, s.x, s.y);
    };
    const up = (event: PointerEvent) => {
      fingers.delete(event.pointerId);
      if (fingers.size < 2) pinch = null;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('pointerdown', down);
    el.addEventListener('pointermove', move);
    for (const type of ['pointerup', 'pointercancel', 'pointerleave'] as const) el.addEventListener(type, up);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('pointerdown', down);
      el.removeEventListener('pointermove', move);
      for (const type of ['pointerup', 'pointercancel', 'pointerleave'] as const) el.removeEventListener(type, up);
    };
  }, [present]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === '+' || event.key === '=') zoomTo(zoomRef.current.zoom * ZOOM_STEP) && event.preventDefault();
    else if (event.key === '-' || event.key === '−') zoomTo(zoomRef.current.zoom / ZOOM_STEP) && event.preventDefault();
  };

  return { scroller, zoom, min, max, zoomTo, onKeyDown, seatPixels: seatAtOne * zoom };
}
