import { sql } from 'kysely';
import type { IncidentCategory } from '../platform/database.types.js';
import type { Db } from '../platform/transaction.js';
import { insertScope } from './incident-scopes.repository.js';
import { createIncident } from './incidents.repository.js';

let tags = 0;

/**
 * An incident and a scope of `people` (or `n` generated ones, locales in turn, emails
 * `<prefix>-000001@example.com`), written as the scope query writes them.
 */
export async function scoped(db: Db, people: { email: string; name?: string; locale?: string }[] | number, category: IncidentCategory = 'script_compromise') {
  const tag = `t${process.pid}x${++tags}`;
  const incidentId = await createIncident(db, { category, title: `test ${tag}`, severity: 'high', awareAt: new Date(), openedBy: 'test', owner: null });
  const scope = await insertScope(db, {
    incident_id: incidentId,
    criteria: '{}',
    people: 0,
    checkout_attempts: 0,
    all_people: 0,
    query_ms: 0,
    created_by: 'test',
    // The list is written here, as the scope query would have written it.
    ready_at: new Date(),
  });
  if (typeof people === 'number') {
    await sql`
      INSERT INTO incident_scope_people (scope_id, email, name, locale, customer_id, attempts, paid_orders, first_at, last_at)
      SELECT ${scope.id}::uuid, ${tag} || '-' || lpad(i::text, 6, '0') || '@example.com', 'Person ' || i,
             (ARRAY['es', 'en', 'fr', 'nl', 'nb'])[1 + i % 5], NULL, 1, 1, now() - interval '2 days', now() - interval '1 day'
        FROM generate_series(1, ${people}::int) i`.execute(db);
  } else {
    await db
      .insertInto('incident_scope_people')
      .values(
        people.map((p) => ({
          scope_id: scope.id,
          email: p.email.toLowerCase(),
          name: p.name ?? 'Fan',
          locale: p.locale ?? 'en',
          customer_id: null,
          attempts: 1,
          paid_orders: 1,
          first_at: new Date('2025-05-03T10:00:00Z'),
          last_at: new Date('2025-05-03T11:00:00Z'),
        })),
      )
      .execute();
  }
  return { incidentId, scopeId: scope.id, tag };
}
