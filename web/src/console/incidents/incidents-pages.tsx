/**
 * The incidents section's one lazy chunk: the list and the incident page load together, so what
 * they share stays inside it (the script inventory approves lazy console pages, not new shared chunks).
 */
export { IncidentPage } from './incident-page';
export { IncidentsPage } from './incidents-page';
