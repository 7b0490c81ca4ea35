import { useState } from 'preact/hooks';
import { loadEvents } from '../events/events-api';
import { formatShortDateTime } from '../format';
import { useResource, useSave } from '../hooks';
import { t } from '../i18n';
import { type Permission, permissionLabel } from '../permissions';
import { can, session } from '../session';
import { ErrorNotice, Field, Section } from '../ui';
import { createApiKey, KEY_REFUSED } from './api-keys-api';

const SCANNER: Permission[] = ['checkin.scan'];

/**
 * A new key: a name, the permissions it holds (a subset of the creator's, never those that need a
 * second factor), optionally the performances a door scanner admits at, and an expiry.
 */
export function ApiKeyForm(props: { onCreated: (name: string, token: string) => void; onCancel: () => void }) {
  const me = session();
  const mine = (me.status === 'ready' ? me.permissions : []).filter((p) => !KEY_REFUSED.has(p));
  const [name, setName] = useState('');
  const [permissions, setPermissions] = useState<Permission[]>(mine.includes('checkin.scan') ? SCANNER : []);
  const [performanceIds, setPerformanceIds] = useState<string[]>([]);
  const [days, setDays] = useState(90);
  const save = useSave();
  const scanner = permissions.includes('checkin.scan');
  const events = useResource((signal) => (scanner && can('events.read') ? loadEvents(signal) : Promise.resolve([])), [scanner]);

  const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...new Set([...list, item])] : list.filter((x) => x !== item));
  const submit = (event: Event) => {
    event.preventDefault();
    void save.run(async () => {
      const { token } = await createApiKey({ name: name.trim(), permissions, ...(scanner ? { performanceIds } : {}), expiresInDays: days });
      props.onCreated(name.trim(), token);
    });
  };
  return (
    <Section title={t('keys.new')} testid="api-key-new">
      <form onSubmit={submit} data-testid="api-key-form">
        <div class="grid-2">
          <Field label={t('keys.name')} hint={t('keys.nameHint')}>
            {(id, describedBy) => (
              <input
                id={id}
                required
                maxLength={100}
                aria-describedby={describedBy}
                data-testid="api-key-name"
                value={name}
                onInput={(e) => setName(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field label={t('keys.days')} hint={t('keys.daysHint')}>
            {(id, describedBy) => (
              <input
                id={id}
                type="number"
                min={1}
                max={365}
                class="field-short"
                aria-describedby={describedBy}
                data-testid="api-key-days"
                value={days}
                onInput={(e) => setDays(Math.min(365, Math.max(1, Math.trunc(Number(e.currentTarget.value) || 1))))}
              />
            )}
          </Field>
        </div>
        <fieldset class="field choice-list choice-columns" data-testid="api-key-permissions">
          <legend>{t('keys.permissions')}</legend>
          {mine.map((p) => (
            <label key={p} class="toggle permission-choice">
              <input
                type="checkbox"
                value={p}
                checked={permissions.includes(p)}
                onChange={(e) => setPermissions(toggle(permissions, p, e.currentTarget.checked))}
              />
              <span>
                {permissionLabel(p)}{' '}
                <span class="mono small muted" data-user-content>
                  {p}
                </span>
              </span>
            </label>
          ))}
          <p class="hint">{t('keys.permissionsHint')}</p>
        </fieldset>
        {scanner && (
          <fieldset class="field choice-list" data-testid="api-key-performances">
            <legend>{t('keys.performancesLegend')}</legend>
            <ErrorNotice error={events.error} />
            {events.data?.map((e) =>
              e.performances.map((p) => (
                <label key={p.id} class="toggle">
                  <input
                    type="checkbox"
                    value={p.id}
                    checked={performanceIds.includes(p.id)}
                    onChange={(ev) => setPerformanceIds(toggle(performanceIds, p.id, ev.currentTarget.checked))}
                  />{' '}
                  <span data-user-content>{e.title}</span> · {formatShortDateTime(p.startsAt, p.timeZone)}
                </label>
              )),
            )}
          </fieldset>
        )}
        <ErrorNotice error={save.error} title={t('keys.notCreated')} testid="api-key-error" />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={save.busy || !name.trim() || permissions.length === 0} data-testid="api-key-create">
            {save.busy ? t('keys.creating') : t('keys.create')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={props.onCancel}>
            {t('ui.cancel')}
          </button>
        </div>
      </form>
    </Section>
  );
}
