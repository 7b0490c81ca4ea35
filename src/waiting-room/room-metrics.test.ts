import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadReading } from './load-signal.js';
import type { RoomLine } from './queue-store.js';
import { limitingSignal } from './room-metrics.js';
import { roomConfig } from './waiting-room.fixtures.js';

const healthy: LoadReading = { factor: 1, errorShare: 0, checkoutMs: 100, limitedBy: 'none' };
const failing: LoadReading = { factor: 0.4, errorShare: 0.13, checkoutMs: 300, limitedBy: 'checkout_errors' };

function line(over: { config?: Partial<RoomLine['config']>; figures?: Partial<RoomLine['figures']> } = {}): RoomLine {
  return {
    config: roomConfig('p1', { maxInCheckout: 100, maxAdmissionsPerMinute: 600, ...over.config }),
    figures: { ticketsLeft: 500, admissionsPerMinute: 600, allowedPerMinute: 600, activeInCheckout: 40, updatedAt: 0, ...over.figures },
    joined: 1000,
    served: 600,
    entrants: 0,
    drawn: true,
  };
}

test('waiting room: what holds admissions back is named, in the order it binds', () => {
  assert.equal(limitingSignal(line({ config: { state: 'paused' } }), 400, healthy), 'not_open');
  assert.equal(limitingSignal(line({ config: { salesStatus: 'sold_out' } }), 400, healthy), 'not_open');
  assert.equal(limitingSignal(line({ config: { enabled: false } }), 400, healthy), 'not_open');
  assert.equal(limitingSignal(line(), 0, healthy), 'none', 'nobody waiting');
  assert.equal(limitingSignal(line({ figures: { ticketsLeft: 0, activeInCheckout: 100 } }), 400, failing), 'tickets_held', 'all that is left is in holds');
  assert.equal(limitingSignal(line({ figures: { activeInCheckout: 100 } }), 400, failing), 'checkout_full');
  assert.equal(limitingSignal(line({ figures: { allowedPerMinute: 240 } }), 400, failing), 'checkout_errors');
  assert.equal(limitingSignal(line({ figures: { allowedPerMinute: 240 } }), 400, { ...failing, limitedBy: 'checkout_latency' }), 'checkout_latency');
  assert.equal(limitingSignal(line(), 400, healthy), 'operator_rate');
});
