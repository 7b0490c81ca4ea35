import { encode } from 'uqr';

/**
 * A QR code as inline SVG, drawn from uqr's module matrix: one <rect> per run of dark modules in
 * a row (a few hundred elements rather than thousands), no innerHTML. Error correction M survives
 * a scratched or glare-covered phone screen; the 4-module quiet zone is what scanners expect.
 */
export function QrCode({ value, label, size = 240 }: { value: string; label: string; size?: number }) {
  const { data } = encode(value, { ecc: 'M', border: 0 });
  const quiet = 4;
  const modules = data.length;
  const runs: { x: number; y: number; w: number }[] = [];
  data.forEach((row, y) => {
    let start = -1;
    for (let x = 0; x <= modules; x++) {
      const dark = x < modules && row[x];
      if (dark && start < 0) start = x;
      else if (!dark && start >= 0) {
        runs.push({ x: start, y, w: x - start });
        start = -1;
      }
    }
  });
  const extent = modules + quiet * 2;
  return (
    <svg class="qr" viewBox={`0 0 ${extent} ${extent}`} width={size} height={size} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={extent} height={extent} fill="#fff" />
      {runs.map((r) => (
        <rect key={`${r.x}-${r.y}`} x={r.x + quiet} y={r.y + quiet} width={r.w} height={1} fill="#000" />
      ))}
    </svg>
  );
}
