/**
 * The server's clock, as far as the client can tell from the `Date` header. A hold's countdown
 * compares `expiresAt` (server time) with this, so a phone whose clock is off still shows the
 * right number of minutes left.
 */
let skewMs = 0;

export function noteServerDate(response: Response): void {
  const header = response.headers.get('date');
  const server = header ? Date.parse(header) : NaN;
  if (Number.isNaN(server)) return;
  // The header has whole seconds; under 2 s of difference is rounding, not a wrong clock.
  const skew = server + 500 - Date.now();
  skewMs = Math.abs(skew) < 2000 ? 0 : skew;
}

export const serverNow = () => Date.now() + skewMs;
