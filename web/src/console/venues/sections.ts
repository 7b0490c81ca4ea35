/** A venue's sections with their row and seat counts, in the order the seats come. */
export function sectionsOf(seats: { section: string; row: string }[]): { name: string; seats: number; rows: number }[] {
  const sections = new Map<string, { seats: number; rows: Set<string> }>();
  for (const seat of seats) {
    const s = sections.get(seat.section) ?? { seats: 0, rows: new Set<string>() };
    s.seats++;
    s.rows.add(seat.row);
    sections.set(seat.section, s);
  }
  return [...sections].map(([name, s]) => ({ name, seats: s.seats, rows: s.rows.size }));
}
