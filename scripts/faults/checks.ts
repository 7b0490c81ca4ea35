import pg from 'pg';

/** What must hold after every fault, read from PostgreSQL itself. */
export interface Invariants {
  seatsSoldTwice: number;
  gaOverCapacity: number;
  paidWithoutTickets: number;
  /** Orders a buyer was told are paid that the database does not have as paid. */
  paidSeenMissing: number;
  paidOrders: number;
  tickets: number;
}

export async function invariants(databaseUrl: string, performanceId: string, paidSeen: string[]): Promise<Invariants> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const one = async (text: string, values: unknown[]) => Number((await client.query(text, values)).rows[0].n);
    return {
      seatsSoldTwice: await one(
        `SELECT count(*) AS n FROM (SELECT seat_id FROM tickets WHERE performance_id = $1 AND seat_id IS NOT NULL AND status = 'valid'
           GROUP BY seat_id HAVING count(*) > 1) twice`,
        [performanceId],
      ),
      gaOverCapacity: await one(
        `SELECT count(*) AS n FROM (
           SELECT a.ga_area_id,
                  (SELECT count(*) FROM tickets t WHERE t.performance_id = a.performance_id AND t.ga_area_id = a.ga_area_id AND t.status = 'valid') AS sold,
                  (SELECT sum(s.capacity) FROM ga_stock s WHERE s.performance_id = a.performance_id AND s.ga_area_id = a.ga_area_id) AS capacity,
                  (SELECT bool_or(s.taken > s.capacity) FROM ga_stock s WHERE s.performance_id = a.performance_id AND s.ga_area_id = a.ga_area_id) AS bucket_over
           FROM performance_ga_areas a WHERE a.performance_id = $1) areas
         WHERE sold > capacity OR bucket_over`,
        [performanceId],
      ),
      paidWithoutTickets: await one(
        `SELECT count(*) AS n FROM orders o WHERE o.performance_id = $1 AND o.status = 'paid'
           AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.order_id = o.id AND t.status = 'valid')`,
        [performanceId],
      ),
      paidSeenMissing: await one(
        `SELECT count(*) AS n FROM unnest($1::uuid[]) AS seen(id) WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = seen.id AND o.status = 'paid')`,
        [paidSeen],
      ),
      paidOrders: await one(`SELECT count(*) AS n FROM orders WHERE performance_id = $1 AND status = 'paid'`, [performanceId]),
      tickets: await one(`SELECT count(*) AS n FROM tickets WHERE performance_id = $1 AND status = 'valid'`, [performanceId]),
    };
  } finally {
    await client.end();
  }
}

/**
 * Takes every connection PostgreSQL has left, from outside the app: first the free slots, then,
 * after ending the app's own sessions, the slots they held, so the app's pools find the server
 * full (53300) when they reconnect. `release()` gives them all back.
 */
export async function exhaustConnections(adminUrl: string): Promise<{ held: number; release(): Promise<void> }> {
  const held: pg.Client[] = [];
  const grab = async () => {
    for (;;) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const client = new pg.Client({ connectionString: adminUrl, application_name: 'faults-hog', connectionTimeoutMillis: 2000 });
          client.on('error', () => {});
          try {
            await client.connect();
            held.push(client);
            return true;
          } catch {
            return false;
          }
        }),
      );
      if (!batch.every(Boolean)) return;
    }
  };
  await grab();
  // The app's sessions end; their slots are taken before its pools get them back.
  for (let round = 0; round < 3; round++) {
    await held[0]!.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name <> 'faults-hog' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );
    await grab();
  }
  return {
    held: held.length,
    async release() {
      await Promise.all(held.map((c) => c.end().catch(() => {})));
    },
  };
}
