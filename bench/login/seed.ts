import { writeFileSync } from 'node:fs';
import { hashPassword } from '../../src/accounts/passwords.js';
import { accountSealers } from '../../src/accounts/staff-sign-in.service.js';
import { newTotpSecret } from '../../src/accounts/totp.js';
import type { AppContext } from '../../src/platform/context.js';
import { connect } from '../../src/platform/database.js';
import type { StaffRole } from '../../src/platform/database.types.js';

/**
 * The bench's staff and the attacker's list. Accounts are written straight into the bench's
 * database, as the app leaves an enrolled account: active, an argon2id hash from the app's own
 * `hashPassword`, and a TOTP secret sealed with the app's sealer under the server's secret (what
 * `totpConfirm` stores). Going through invitations would cost each account five requests and a
 * hash inside the server, measured as nothing here.
 *
 * The list is what a stuffing kit holds: pairs from other sites' breaches, most of them wrong for
 * Taquilla, a share (`leaked`) the account's real password because the person reused it.
 */
export interface Account {
  email: string;
  password: string;
  totpSecret: string;
  role: StaffRole;
}
export interface Pair {
  email: string;
  password: string;
  /** The account's real password (kept for the report; the attacker does not use it). */
  real: boolean;
}

const ROLES: StaffRole[] = ['admin', 'event_manager', 'box_office', 'box_office', 'door', 'door', 'support', 'security', 'owner'];

/** A small seeded generator (mulberry32): the same list for the same seed, run after run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['sunset', 'tigre', 'madrid', 'ticket', 'rock', 'azul', 'festival', 'luna', 'river', 'concierto', 'summer', 'pass'];
const word = (rnd: () => number) => WORDS[Math.floor(rnd() * WORDS.length)]!;
/** Passwords that look like people's: a word or two, digits, sometimes a sign; 10 to 20 characters. */
const humanPassword = (rnd: () => number) =>
  `${word(rnd)}${rnd() < 0.5 ? word(rnd) : ''}${Math.floor(rnd() * 100_000)}${rnd() < 0.3 ? '!' : ''}`.padEnd(10, '7');

export function makeAccounts(n: number, rnd: () => number): Account[] {
  return Array.from({ length: n }, (_, i) => ({
    email: `staff-${String(i + 1).padStart(4, '0')}@bench.taquilla.test`,
    password: `${humanPassword(rnd)}-${i}`,
    totpSecret: newTotpSecret(),
    role: ROLES[i % ROLES.length]!,
  }));
}

/** `attempts` pairs, each account's share alike; `leakedShare` of them the real password. Shuffled. */
export function makeList(accounts: Account[], attempts: number, leakedShare: number, rnd: () => number): Pair[] {
  const leaked = Math.round(attempts * leakedShare);
  const pairs: Pair[] = [];
  for (let k = 0; k < attempts; k++) {
    const account = accounts[k % accounts.length]!;
    // The leaked pairs are spread over different accounts (k < leaked covers the first `leaked` accounts once).
    const real = k < leaked;
    pairs.push({ email: account.email, password: real ? account.password : humanPassword(rnd), real });
  }
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  return pairs;
}

/** Hashes every password (a few at a time, on argon2's own threads) and inserts the accounts. */
export async function seedAccounts(url: string, secret: string, accounts: Account[]): Promise<number> {
  const began = performance.now();
  const sealer = accountSealers({ secret } as AppContext['config']).totp;
  const hashes: string[] = new Array(accounts.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < accounts.length) {
        const i = next++;
        hashes[i] = await hashPassword(accounts[i]!.password);
      }
    }),
  );
  const db = connect(url, 2);
  try {
    for (let i = 0; i < accounts.length; i += 250) {
      await db
        .insertInto('staff')
        .values(
          accounts.slice(i, i + 250).map((a, k) => ({
            email: a.email,
            name: `Bench staff ${i + k + 1}`,
            role: a.role,
            status: 'active' as const,
            password_hash: hashes[i + k]!,
            password_changed_at: new Date(),
            totp_secret: sealer.seal(a.totpSecret),
            created_by: 'bench',
          })),
        )
        .execute();
    }
  } finally {
    await db.destroy();
  }
  return (performance.now() - began) / 1000;
}

export const writeJson = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value));
