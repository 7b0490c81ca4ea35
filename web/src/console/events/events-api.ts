import { api } from '../../shared/api';
import { adminApi, can, isMissingRoute } from '../session';
import type { AdminEventDetail, EventDetail, EventListItem } from '../types';

/** Every event with its performances (archived ones when asked); the public list stands in until the admin list exists. */
export async function loadEvents(signal?: AbortSignal, includeArchived = false): Promise<EventListItem[]> {
  try {
    return await adminApi<EventListItem[]>(`/api/admin/events${includeArchived ? '?includeArchived=true' : ''}`, { signal });
  } catch (error) {
    if (isMissingRoute(error)) return api<EventListItem[]>('/api/events', { signal });
    throw error;
  }
}

/**
 * By id: details, price categories and performances with their venue, archived ones too (the
 * console's view); by slug, or for a role without events.read, the public page's.
 */
export async function loadEvent(idOrSlug: string, signal?: AbortSignal): Promise<EventDetail> {
  if (can('events.read') && /^[0-9a-f-]{36}$/i.test(idOrSlug)) {
    try {
      return await adminApi<EventDetail>(`/api/admin/events/${idOrSlug}`, { signal });
    } catch (error) {
      if (!isMissingRoute(error)) throw error;
    }
  }
  return api<EventDetail>(`/api/events/${encodeURIComponent(idOrSlug)}`, { signal });
}

/** The event as the operator edits it: texts in the default language and every translation. */
export function loadAdminEvent(id: string, signal?: AbortSignal): Promise<AdminEventDetail> {
  return adminApi<AdminEventDetail>(`/api/admin/events/${encodeURIComponent(id)}`, { signal });
}

export function slugify(title: string): string {
  return title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
