/**
 * The incident bench's data set, made by set-based SQL (generate_series, INSERT ... SELECT) in a
 * database migrated like any other: 600,000 people buying 1,000,000 orders over 180 days, each
 * order with 1 to 5 checkout attempts (3,000,000 checkout_records), served by 20 front-end builds
 * deployed one after another with rolling overlaps; the last 14 builds registered in web_builds
 * with manifests (sha384 per asset), the way migration 012 and registerBuild left them.
 * generate.ts creates the database and calls this.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/platform/transaction.js';
import { registerBuild } from '../../src/security/builds.repository.js';
import { buildSchedule, type Build } from './builds.js';

export interface DataSetSize {
  orders: number;
  attempts: number;
  people: number;
  days: number;
}

export const FULL: DataSetSize = { orders: 1_000_000, attempts: 3_000_000, people: 600_000, days: 180 };
const PERFORMANCES = 40;
const CHUNK = 100_000;
/** Builds before this one (0-based) predate migration 012: no manifest, no page class. */
const FIRST_REGISTERED = 6;

export interface Generated {
  end: Date;
  builds: Build[];
  seconds: Record<string, number>;
}

/** Fills a freshly migrated database; answers the end of the period, the builds, and time per step. */
export async function generate(db: Db, size: DataSetSize, log: (line: string) => void = console.log): Promise<Generated> {
  if (size.attempts !== size.orders * 3) throw new Error('attempts are 1 to 5 per order, evenly: 3 per order');
  const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const start = new Date(end.getTime() - size.days * 86_400_000);
  const builds = buildSchedule(start, end, 20, FIRST_REGISTERED);
  const seconds: Record<string, number> = {};
  const step = async (name: string, work: () => Promise<unknown>) => {
    const t = performance.now();
    await work();
    seconds[name] = (performance.now() - t) / 1000;
    log(`  ${name}: ${seconds[name]!.toFixed(1)} s`);
  };
  // One session (the caller's pool has one connection): setseed makes random() repeatable.
  await sql`SELECT setseed(0.42)`.execute(db);
  await sql`SET work_mem = '256MB'`.execute(db);
  await sql`SET maintenance_work_mem = '512MB'`.execute(db);

  await step('catalog (3 venues, 10 events, 40 performances)', () => catalog(db, start, end));
  await step(`people (${size.people.toLocaleString('en')}, a quarter with a customer account)`, () => people(db, size.people));
  await step('order plan (who, which performance, when, how many attempts)', () => plan(db, size, end));
  const deployedAt = builds.map((b) => b.deployedAt.toISOString());
  const rollout = builds.map((b) => b.rolloutMinutes);
  const ids = builds.map((b) => b.buildId);
  await step(`holds, orders, checkout_records (${CHUNK.toLocaleString('en')} orders a transaction)`, async () => {
    for (let lo = 1; lo <= size.orders; lo += CHUNK) {
      const hi = Math.min(lo + CHUNK - 1, size.orders);
      await db.transaction().execute(async (tx) => {
        await holdsAndOrders(tx, lo, hi, end);
        await checkoutRecords(tx, { deployedAt, rollout, ids });
      });
      log(`    orders ${hi.toLocaleString('en')} of ${size.orders.toLocaleString('en')}`);
    }
  });
  await step(`web_builds (the last ${builds.filter((b) => b.manifest).length} builds, with manifests)`, async () => {
    for (const b of builds) if (b.manifest) await registerBuild(db, b.manifest);
    for (const b of builds)
      if (b.manifest)
        await sql`UPDATE web_builds SET first_served_at = ${b.deployedAt}, last_served_at = ${b.lastServedAt}, processes = 4 WHERE build_id = ${b.buildId}`.execute(
          db,
        );
  });
  await sql`DROP TABLE bench_plan, bench_people, bench_perf`.execute(db);
  await sql`RESET work_mem`.execute(db);
  await sql`RESET maintenance_work_mem`.execute(db);
  await step('VACUUM ANALYZE', () => sql`VACUUM ANALYZE`.execute(db));
  return { end, builds, seconds };
}

/** Minimal catalog rows: orders need a performance (and it an event and a venue), not seats. */
async function catalog(db: Db, start: Date, end: Date): Promise<void> {
  await sql`
    INSERT INTO venues (name) VALUES ('Sala Mar Adentro'), ('Palau Nord'), ('Arena Fjord');
    INSERT INTO events (slug, title, max_tickets_per_order)
      SELECT 'bench-event-' || e, (ARRAY['Luna Brava','Los Planetas','Aurora','Stromae','Kensington','Rosalía','Sigrid','Zaz','Bløf','Vetusta Morla'])[e] || ' — Tour', 8
        FROM generate_series(1, 10) e;
    INSERT INTO price_categories (event_id, name, price, currency, sort)
      SELECT id, c.name, c.price, 'EUR', c.sort FROM events,
        (VALUES ('Platea', 7500, 0), ('Anfiteatro', 5500, 1), ('Pista', 4500, 2)) AS c(name, price, sort);
  `.execute(db);
  // Performance n (0 = the most popular) goes on sale on a day in the period and sells until it
  // starts (30-90 days later) or the period ends.
  await sql`
    CREATE UNLOGGED TABLE bench_perf AS
    WITH p AS (
      SELECT n, ${start}::timestamptz + (random() * (${end}::timestamptz - ${start}::timestamptz - interval '20 days')) AS on_sale_at,
             interval '1 day' * (30 + 60 * random()) AS selling
        FROM generate_series(0, ${PERFORMANCES - 1}) n
    )
    SELECT n, gen_random_uuid() AS id, date_trunc('hour', on_sale_at) + interval '10 hours' AS on_sale_at,
           date_trunc('hour', on_sale_at) + interval '10 hours' + selling AS starts_at,
           least(date_trunc('hour', on_sale_at) + interval '10 hours' + selling, ${end}::timestamptz) AS sale_end
      FROM p`.execute(db);
  await sql`
    INSERT INTO performances (id, event_id, venue_id, starts_at, doors_at, on_sale_at, status)
      SELECT p.id, (SELECT id FROM events WHERE slug = 'bench-event-' || (1 + p.n % 10)),
             (SELECT id FROM venues ORDER BY name OFFSET p.n % 3 LIMIT 1), p.starts_at, p.starts_at - interval '1 hour', p.on_sale_at,
             CASE WHEN p.starts_at > ${end}::timestamptz THEN 'on_sale' ELSE 'closed' END
        FROM bench_perf p;
  `.execute(db);
}

const FIRST = [
  'Ana',
  'Lucía',
  'Carmen',
  'Javier',
  'Pablo',
  'Marta',
  'Sergio',
  'Laura',
  'David',
  'Elena',
  'James',
  'Emma',
  'Oliver',
  'Sophie',
  'Harry',
  'Camille',
  'Louis',
  'Chloé',
  'Hugo',
  'Léa',
  'Daan',
  'Sanne',
  'Lars',
  'Femke',
  'Ingrid',
  'Ole',
  'Nora',
  'Sindre',
  'Maja',
  'Jonas',
];
const LAST = [
  'García',
  'Martínez',
  'López',
  'Sánchez',
  'Pérez',
  'Gómez',
  'Ruiz',
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Martin',
  'Bernard',
  'Dubois',
  'Durand',
  'Leroy',
  'de Jong',
  'Jansen',
  'de Vries',
  'Bakker',
  'Visser',
  'Hansen',
  'Johansen',
  'Olsen',
  'Larsen',
  'Andersen',
  'Nilsen',
  'Berg',
];
const DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.es', 'icloud.com', 'orange.fr', 'ziggo.nl', 'online.no', 'telefonica.net', 'proton.me'];

/** One row per person: email, name, locale (es most), and a customer account for a quarter. */
async function people(db: Db, count: number): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE bench_people AS
    SELECT n, f, l, lower(translate(f || '.' || replace(l, ' ', ''), 'áéíóúñøéÉ', 'aeiounoeE')) || n || '@' || (${DOMAINS}::text[])[1 + n % ${DOMAINS.length}] AS email,
           f || ' ' || l AS name,
           (ARRAY['es','es','es','es','es','en','en','en','fr','fr','nl','nb'])[1 + floor(random() * 12)::int] AS locale,
           CASE WHEN random() < 0.25 THEN gen_random_uuid() END AS customer_id
      FROM (SELECT n, (${FIRST}::text[])[1 + floor(random() * ${FIRST.length})::int] AS f,
                      (${LAST}::text[])[1 + floor(random() * ${LAST.length})::int] AS l
              FROM generate_series(0, ${count - 1}) n) x`.execute(db);
  await sql`ALTER TABLE bench_people ADD PRIMARY KEY (n)`.execute(db);
  await sql`
    INSERT INTO customers (id, email, email_verified_at, name, password_hash, locale, created_at)
      SELECT customer_id, email, now() - interval '200 days', name, '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0$YmVuY2hoYXNo', locale, now() - interval '200 days'
        FROM bench_people WHERE customer_id IS NOT NULL;
  `.execute(db);
}

/**
 * One row per order, numbered in time order so the inserts below lay the tables out as years of
 * checkouts would: everyone buys once, then 40% of the orders go to repeat buyers (skewed, so
 * some buy often). 35% of a performance's orders come in its first day on sale (the rush).
 * Attempts per order are 1..5, each value for exactly a fifth of the orders, shuffled.
 */
async function plan(db: Db, size: DataSetSize, end: Date): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE bench_plan AS
    WITH r AS (
      SELECT g, CASE WHEN g <= ${size.people} THEN g - 1 ELSE floor(${size.people} * random() ^ 2)::int END AS person,
             floor(${PERFORMANCES} * random() ^ 1.6)::int AS perf, random() AS u1, random() AS u2
        FROM generate_series(1, ${size.orders}) g
    ), t AS (
      SELECT r.*, p.id AS performance_id,
             p.on_sale_at + CASE WHEN u1 < 0.35 THEN u2 * u2 * interval '1 day' ELSE u2 * (p.sale_end - p.on_sale_at) END AS ts
        FROM r JOIN bench_perf p ON p.n = r.perf
    )
    SELECT row_number() OVER (ORDER BY ts) AS n, person, performance_id, least(ts, ${end}::timestamptz - interval '1 second') AS ts,
           1 + (row_number() OVER (ORDER BY random()) % 5)::int AS attempts,
           gen_random_uuid() AS order_id, gen_random_uuid() AS hold_id, 1 + floor(random() * 6)::int AS quantity,
           random() AS u_status, random() AS u_channel, random() AS u_account
      FROM t`.execute(db);
  await sql`CREATE INDEX ON bench_plan (n)`.execute(db);
}

async function holdsAndOrders(tx: Db, lo: number, hi: number, end: Date): Promise<void> {
  await sql`
    CREATE TEMP TABLE chunk ON COMMIT DROP AS
    SELECT p.*, pp.email, pp.name, pp.locale, pp.customer_id,
           CASE WHEN p.ts > ${end}::timestamptz - interval '15 minutes' AND p.u_status < 0.5 THEN 'pending_payment'
                WHEN p.u_status < 0.86 THEN 'paid' WHEN p.u_status < 0.94 THEN 'expired'
                WHEN p.u_status < 0.97 THEN 'cancelled' ELSE 'refunded' END AS status
      FROM bench_plan p JOIN bench_people pp ON pp.n = p.person
     WHERE p.n BETWEEN ${lo} AND ${hi}`.execute(tx);
  await sql`
    INSERT INTO holds (id, performance_id, status, expires_at, created_at, quantity)
      SELECT hold_id, performance_id,
             CASE status WHEN 'pending_payment' THEN 'active' WHEN 'expired' THEN 'expired' WHEN 'cancelled' THEN 'released' ELSE 'converted' END,
             ts + interval '10 minutes', ts - interval '2 minutes', quantity
        FROM chunk ORDER BY n`.execute(tx);
  await sql`
    INSERT INTO orders (id, hold_id, performance_id, idempotency_key, status, buyer_name, buyer_email, locale, total, currency,
                        payment_provider, payment_id, created_at, paid_at, closed_at, customer_id)
      SELECT order_id, hold_id, performance_id, gen_random_uuid()::text, status, name,
             -- one order in twenty has the address typed with a capital: people are grouped by lower(email)
             CASE WHEN u_channel < 0.05 THEN upper(left(email, 1)) || substr(email, 2) ELSE email END,
             CASE WHEN u_account < 0.05 THEN 'en' ELSE locale END,
             quantity * (3000 + 500 * (n % 18))::int, 'EUR', 'test',
             CASE WHEN status IN ('paid', 'refunded') THEN 'pay_' || replace(order_id::text, '-', '') END,
             ts,
             CASE WHEN status IN ('paid', 'refunded') THEN ts + interval '1 minute' * (1 + 4 * u_status) END,
             CASE status WHEN 'expired' THEN ts + interval '15 minutes' WHEN 'cancelled' THEN ts + interval '3 days'
                         WHEN 'refunded' THEN least(ts + interval '10 days', ${end}::timestamptz) END,
             CASE WHEN customer_id IS NOT NULL AND u_account < 0.7 THEN customer_id END
        FROM chunk ORDER BY n;
  `.execute(tx);
}

/**
 * Each order's attempts, the last at the order's time and the others a few minutes apart before
 * it. The build that served an attempt is the newest deployed by then (width_bucket over the
 * deploy times), except during a rolling deploy, when the old build serves a falling share.
 * The page's own build (client_build_id) is the server's, except for tabs opened before a deploy
 * (the previous build, for a few hours after one), 2% without the header, and partner-x's pages.
 * page_class and widgets exist from the first registered build (migration 012) on.
 */
async function checkoutRecords(tx: Db, b: { deployedAt: string[]; rollout: number[]; ids: string[] }): Promise<void> {
  const { deployedAt, rollout, ids } = b;
  await sql`
    INSERT INTO checkout_records (order_id, buyer_email, storefront, build_id, client_build_id, page_class, widgets, created_at)
    WITH a AS (
      SELECT c.order_id, c.email, c.u_channel, k = c.attempts AS last,
             c.ts - (c.attempts - k) * interval '1 minute' * (1 + 9 * random()) AS at, random() AS u1, random() AS u2
        FROM chunk c, generate_series(1, c.attempts) k
    ), b AS (
      SELECT a.*, width_bucket(a.at, ${deployedAt}::timestamptz[]) AS cur FROM a
    ), s AS (
      SELECT b.*, CASE WHEN cur > 1 AND b.at < (${deployedAt}::timestamptz[])[cur] + (${rollout}::int[])[cur] * interval '1 minute'
                        AND u1 > extract(epoch FROM b.at - (${deployedAt}::timestamptz[])[cur]) / ((${rollout}::int[])[cur] * 60)
                       THEN cur - 1 ELSE cur END AS served
        FROM b
    )
    SELECT order_id, CASE WHEN u_channel < 0.05 AND last THEN upper(left(email, 1)) || substr(email, 2) ELSE email END,
           CASE WHEN u_channel > 0.93 THEN 'partner-x' ELSE 'web' END,
           (${ids}::text[])[served],
           CASE WHEN u_channel > 0.93 THEN NULL
                WHEN u2 < 0.02 THEN NULL
                WHEN served > 1 AND u2 < 0.35 AND s.at < (${deployedAt}::timestamptz[])[served] + interval '4 hours' THEN (${ids}::text[])[served - 1]
                ELSE (${ids}::text[])[served] END,
           CASE WHEN served <= ${FIRST_REGISTERED} THEN NULL WHEN u2 < 0.97 THEN 'payment' WHEN u2 < 0.99 THEN 'account' ELSE 'buyer' END,
           CASE WHEN served <= ${FIRST_REGISTERED} THEN NULL WHEN u2 >= 0.99 THEN ARRAY['demo-chat'] ELSE '{}'::text[] END,
           at
      FROM s ORDER BY at;
  `.execute(tx);
}
