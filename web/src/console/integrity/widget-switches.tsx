import { useState } from 'preact/hooks';
import { formatShortDateTime } from '../format';
import { useResource } from '../hooks';
import { t } from '../i18n';
import { pageClassLabel } from '../shield/incident-words';
import { ConfirmButton, Empty, ErrorNotice, Loading, Notice, Section } from '../ui';
import { canManageWidgets, loadWidgets, switchWidget, type Widget } from './integrity-api';
import { PageClasses } from './page-classes';

function State(props: { widget: Widget }) {
  const w = props.widget;
  if (w.disabled) return <span class="badge badge-bad">{t('integrity.widgetOff')}</span>;
  if (w.shownOn.length > 0) return <span class="badge badge-good">{t('integrity.widgetShown')}</span>;
  return <span class="badge badge-neutral">{t('integrity.widgetNotShown')}</span>;
}

function Switch(props: { widget: Widget; onSwitched: (widget: Widget) => void }) {
  const w = props.widget;
  const [reason, setReason] = useState('');
  if (w.disabled) {
    const approved = w.classes.filter((c) => w.approved[c]).map(pageClassLabel);
    return (
      <ConfirmButton
        label={t('integrity.switchOn')}
        title={t('integrity.switchOnTitle', { title: w.title })}
        confirmLabel={t('integrity.switchOn')}
        tone="primary"
        class="btn btn-secondary btn-sm"
        testid="widget-enable"
        onConfirm={async () => props.onSwitched(await switchWidget(w.name, 'enable'))}
      >
        <p>
          {approved.length ? t('integrity.switchOnText', { classes: approved.join(', ') }) : t('integrity.switchOnNowhere')} {t('integrity.secondFactor')}
        </p>
      </ConfirmButton>
    );
  }
  return (
    <ConfirmButton
      label={t('integrity.switchOff')}
      title={t('integrity.switchOffTitle', { title: w.title })}
      confirmLabel={t('integrity.switchOff')}
      class="btn btn-danger-outline btn-sm"
      testid="widget-disable"
      onConfirm={async () => {
        props.onSwitched(await switchWidget(w.name, 'disable', reason.trim() || undefined));
        setReason('');
      }}
    >
      <p>{t('integrity.switchOffText')}</p>
      <div class="field">
        <label for={`widget-reason-${w.name}`}>{t('integrity.switchReason')}</label>
        <input
          id={`widget-reason-${w.name}`}
          maxLength={500}
          data-testid="widget-reason"
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          placeholder={t('integrity.switchReasonExample')}
        />
      </div>
    </ConfirmButton>
  );
}

/** Third-party widgets (each in a sandboxed frame of its own origin) and their kill switch. */
export function WidgetSwitches() {
  const widgets = useResource((signal) => loadWidgets(signal), []);
  const list = widgets.data?.widgets;
  const replace = (changed: Widget) => {
    if (widgets.data) widgets.setData({ ...widgets.data, widgets: widgets.data.widgets.map((w) => (w.name === changed.name ? changed : w)) });
  };
  return (
    <Section title={t('integrity.widgetsTitle')} testid="integrity-widgets">
      <p class="muted small section-intro" data-testid="widgets-timing">
        {t('integrity.widgetsIntro')}
      </p>
      {widgets.data?.warnings.map((w) => (
        <Notice key={w} tone="warning" testid="widgets-warning">
          <span data-user-content>{w}</span>
        </Notice>
      ))}
      <ErrorNotice error={widgets.error} />
      {!widgets.data && widgets.loading && <Loading />}
      {list?.length === 0 && (
        <Empty title={t('integrity.noWidgets')}>
          <p class="small muted">
            {t('integrity.noWidgetsHint')} <code data-user-content>WIDGETS</code>
          </p>
        </Empty>
      )}
      {list && list.length > 0 && (
        <ul class="integrity-list">
          {list.map((w) => (
            <li key={w.name} class="integrity-item" data-testid="widget" data-name={w.name} data-disabled={String(w.disabled)}>
              <div class="integrity-item-head">
                <State widget={w} />
                <div class="integrity-item-title">
                  <strong data-user-content>{w.title}</strong>{' '}
                  <span class="mono small muted" data-user-content>
                    {w.name}
                  </span>
                  <div class="mono small break" data-user-content>
                    {w.origin}
                  </div>
                </div>
                {canManageWidgets() && <Switch widget={w} onSwitched={replace} />}
              </div>
              <div class="integrity-item-body small">
                <PageClasses classes={w.classes} off={w.classes.filter((c) => !w.approved[c])} />
                {w.changedAt && (
                  <p class="muted">
                    {w.disabled ? t('integrity.switchedOffBy') : t('integrity.switchedOnBy')}{' '}
                    <span class="mono" data-user-content>
                      {w.changedBy}
                    </span>{' '}
                    {formatShortDateTime(w.changedAt)}
                    {w.reason && (
                      <>
                        : <span data-user-content>{w.reason}</span>
                      </>
                    )}
                  </p>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
