import { useState } from 'preact/hooks';
import { Notice } from './ui';

/** A one-off success message carried across a navigation ("Venue created"), shown once. */
let pending: string | null = null;

export function flash(message: string): void {
  pending = message;
}

export function Flash() {
  const [message, setMessage] = useState(() => {
    const m = pending;
    pending = null;
    return m;
  });
  if (!message) return null;
  return (
    <Notice tone="success" testid="flash" onClose={() => setMessage(null)}>
      {message}
    </Notice>
  );
}
