import { createHash } from 'node:crypto';

/**
 * The compact parts of the in-memory line (issue 15: a million waiting fans in under 50 MB). No
 * object and no string per fan: each fan is a row of typed arrays, about 37 bytes, plus 4 bytes
 * per slot of a hash table that finds a buyer's row.
 */

const FAR = -0x80000000;
const NEAR = 0x7fffffff;

/**
 * Millisecond times in 4 bytes each: an offset from the first time stored. A time more than 24
 * days away from that one (or not a whole number) is kept exactly in a side map, so every value
 * reads back as it was written.
 */
export class Times {
  private rel: Int32Array;
  private base = 0;
  private based = false;
  private readonly exact = new Map<number, number>();

  constructor(size: number) {
    this.rel = new Int32Array(size).fill(FAR);
  }

  resize(size: number): void {
    const rel = new Int32Array(size).fill(FAR);
    rel.set(this.rel.subarray(0, Math.min(size, this.rel.length)));
    this.rel = rel;
  }

  /** 0 for a row never written. */
  get(i: number): number {
    const r = this.rel[i]!;
    return r === FAR ? (this.exact.get(i) ?? 0) : this.base + r;
  }

  set(i: number, t: number): void {
    // The first whole, non-zero time is the base (a stray 0 or fraction first would push every real time into the map).
    if (!this.based && Number.isSafeInteger(t) && t !== 0) {
      this.based = true;
      this.base = t;
    }
    const r = t - this.base;
    if (this.based && Number.isInteger(r) && r > FAR && r <= NEAR) {
      this.rel[i] = r;
      if (this.exact.size > 0) this.exact.delete(i);
    } else {
      this.rel[i] = FAR;
      this.exact.set(i, t);
    }
  }
}

/** A row's flags: the place's state in the low 3 bits, then what the row's entry was. */
export const STATE_BITS = 0x07;
/** The entry joined the pre-queue: its ticket says `pre` and place 0, its place was drawn. */
export const FROM_PRE = 0x08;
/** Never polled since joining: the time column holds the join time (the old negated last-seen). */
export const UNPOLLED = 0x10;
/** The ticket id is not 32 lowercase hex digits (only tests make those): kept as text in a side map. */
const ODD_TICKET = 0x20;

const HEX32 = /^[0-9a-f]{32}$/;
const WORD = (id: string, at: number) => Number.parseInt(id.slice(at, at + 8), 16);

/** The 12-byte digest of a buyer key (96 bits: no two of a line's keys will share one). */
export function buyerDigest(buyerKey: string): Uint32Array {
  const d = createHash('sha256').update(buyerKey).digest();
  return new Uint32Array([d.readUInt32LE(0), d.readUInt32LE(4), d.readUInt32LE(8)]);
}

/** A ticket id's hash for the pre-queue's table: its first 32 bits (random), or FNV-1a of an odd id. */
export function ticketHash(ticketId: string): number {
  if (HEX32.test(ticketId)) return WORD(ticketId, 0);
  let h = 0x811c9dc5;
  for (let i = 0; i < ticketId.length; i++) h = Math.imul(h ^ ticketId.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Rows of entries: buyer digest, ticket id, joined at, a time (last seen, or admitted at once the
 * counter has passed the place) and flags. Rows are places (row 0 unused) or pre-queue entries.
 */
export class Rows {
  private digests: Uint32Array;
  private tickets: Uint32Array;
  private readonly joined: Times;
  readonly time: Times;
  flags: Uint8Array;
  private readonly odd = new Map<number, string>();

  constructor(size = 1024) {
    this.digests = new Uint32Array(size * 3);
    this.tickets = new Uint32Array(size * 4);
    this.joined = new Times(size);
    this.time = new Times(size);
    this.flags = new Uint8Array(size);
  }

  get size(): number {
    return this.flags.length;
  }

  /** Room for row `row`: doubling, then a quarter of a million rows at a time, so little is left unused. */
  ensure(row: number): void {
    if (row < this.flags.length) return;
    const size = Math.max(row + 1, Math.min(this.flags.length * 2, this.flags.length + 262_144));
    const grown = <T extends Uint32Array | Uint8Array>(old: T, make: (n: number) => T, per: number) => {
      const a = make(size * per);
      a.set(old);
      return a;
    };
    this.digests = grown(this.digests, (n) => new Uint32Array(n), 3);
    this.tickets = grown(this.tickets, (n) => new Uint32Array(n), 4);
    this.flags = grown(this.flags, (n) => new Uint8Array(n), 1);
    this.joined.resize(size);
    this.time.resize(size);
  }

  /** Writes the entry part of a row (the caller has made room). */
  write(row: number, digest: Uint32Array, ticketId: string, joinedAt: number, flags: number): void {
    this.digests.set(digest, row * 3);
    if (HEX32.test(ticketId)) {
      for (let w = 0; w < 4; w++) this.tickets[row * 4 + w] = WORD(ticketId, w * 8);
    } else {
      flags |= ODD_TICKET;
      this.odd.set(row, ticketId);
    }
    this.joined.set(row, joinedAt);
    this.flags[row] = flags;
  }

  /** Copies the entry part of `from`'s row into this one's row (a draw, a moved line). */
  copy(from: Rows, fromRow: number, row: number, flags: number): void {
    this.write(row, from.digestOf(fromRow), from.ticketId(fromRow), from.joinedAt(fromRow), flags);
  }

  digestOf(row: number): Uint32Array {
    return this.digests.slice(row * 3, row * 3 + 3);
  }

  digestHash(row: number): number {
    return this.digests[row * 3]!;
  }

  hasDigest(row: number, d: Uint32Array): boolean {
    const at = row * 3;
    return this.digests[at] === d[0] && this.digests[at + 1] === d[1] && this.digests[at + 2] === d[2];
  }

  ticketId(row: number): string {
    if (this.flags[row]! & ODD_TICKET) return this.odd.get(row)!;
    let id = '';
    for (let w = 0; w < 4; w++) id += this.tickets[row * 4 + w]!.toString(16).padStart(8, '0');
    return id;
  }

  ticketHash(row: number): number {
    return this.flags[row]! & ODD_TICKET ? ticketHash(this.odd.get(row)!) : this.tickets[row * 4]!;
  }

  hasTicket(row: number, ticketId: string): boolean {
    if (this.flags[row]! & ODD_TICKET) return this.odd.get(row) === ticketId;
    if (!HEX32.test(ticketId)) return false;
    for (let w = 0; w < 4; w++) if (this.tickets[row * 4 + w] !== WORD(ticketId, w * 8)) return false;
    return true;
  }

  joinedAt(row: number): number {
    return this.joined.get(row);
  }

  /** Last seen as the line has always stored it: negated until the first poll (FIRST_POLL_GRACE_MS). */
  lastSeen(row: number): number {
    const t = this.time.get(row);
    return this.flags[row]! & UNPOLLED ? -t : t;
  }

  setLastSeen(row: number, seen: number): void {
    if (seen < 0 || Object.is(seen, -0)) {
      this.time.set(row, -seen);
      this.flags[row]! |= UNPOLLED;
    } else {
      this.time.set(row, seen);
      this.flags[row]! &= ~UNPOLLED;
    }
  }
}

/**
 * An open-addressing hash table of non-zero int32 values (a place, or a pre-queue row as -row-1),
 * probed linearly; a value's hash is read back from the rows it points to, so the table holds 4
 * bytes a slot and nothing else. It grows by half when 80% full; values are replaced, never removed.
 */
export class Table {
  private slots = new Int32Array(1024);
  private count = 0;

  constructor(private readonly hashOf: (value: number) => number) {}

  /** The slot holding the value that `matches` for hash `h`, or -1. */
  private slotOf(h: number, matches: (value: number) => boolean): number {
    const n = this.slots.length;
    for (let at = h % n; ; at = at + 1 === n ? 0 : at + 1) {
      const v = this.slots[at]!;
      if (v === 0) return -1;
      if (matches(v)) return at;
    }
  }

  get(h: number, matches: (value: number) => boolean): number {
    const at = this.slotOf(h, matches);
    return at < 0 ? 0 : this.slots[at]!;
  }

  /** Replaces the value that `matches`, or adds `value`. */
  put(h: number, matches: (value: number) => boolean, value: number): void {
    const at = this.slotOf(h, matches);
    if (at >= 0) {
      this.slots[at] = value;
      return;
    }
    if ((this.count + 1) * 5 > this.slots.length * 4) this.rehash(Math.floor(this.slots.length * 1.5));
    this.insert(this.slots, h, value);
    this.count++;
  }

  private insert(slots: Int32Array, h: number, value: number): void {
    const n = slots.length;
    let at = h % n;
    while (slots[at] !== 0) at = at + 1 === n ? 0 : at + 1;
    slots[at] = value;
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size);
    for (const v of this.slots) if (v !== 0) this.insert(slots, this.hashOf(v), v);
    this.slots = slots;
  }

  /** Calls `each` with every value; what it returns replaces the value (same hash only). */
  update(each: (value: number) => number): void {
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i] !== 0) this.slots[i] = each(this.slots[i]!);
  }
}
