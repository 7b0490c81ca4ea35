import { useState } from 'preact/hooks';
import { formatShortDateTime } from '../format';
import { useResource } from '../hooks';
import { ConfirmButton, Empty, ErrorNotice, Loading, Notice, Section } from '../ui';
import { canManageWidgets, loadWidgets, switchWidget, type Widget } from './integrity-api';
import { PageClasses } from './page-classes';

function State(props: { widget: Widget }) {
  const w = props.widget;
  if (w.disabled) return <span class="badge badge-bad">Switched off</span>;
  if (w.shownOn.length > 0) return <span class="badge badge-good">Shown</span>;
  return <span class="badge badge-neutral">Not shown</span>;
}

function Switch(props: { widget: Widget; onSwitched: (widget: Widget) => void }) {
  const w = props.widget;
  const [reason, setReason] = useState('');
  if (w.disabled) {
    return (
      <ConfirmButton
        label="Switch on"
        title={`Switch “${w.title}” on again?`}
        confirmLabel="Switch on"
        tone="primary"
        class="btn btn-secondary btn-sm"
        testid="widget-enable"
        onConfirm={async () => props.onSwitched(await switchWidget(w.name, 'enable'))}
      >
        <p>
          It appears again on {w.classes.filter((c) => w.approved[c]).join(', ') || 'no'} pages, where the script inventory approves it, on every node within 5
          seconds. You will be asked for your second factor.
        </p>
      </ConfirmButton>
    );
  }
  return (
    <ConfirmButton
      label="Switch off"
      title={`Switch “${w.title}” off?`}
      confirmLabel="Switch off"
      class="btn btn-danger-outline btn-sm"
      testid="widget-disable"
      onConfirm={async () => {
        props.onSwitched(await switchWidget(w.name, 'disable', reason.trim() || undefined));
        setReason('');
      }}
    >
      <p>Its frame disappears from every page on every node within 5 seconds, at each page's next load.</p>
      <div class="field">
        <label for={`widget-reason-${w.name}`}>Reason (kept in the audit log)</label>
        <input
          id={`widget-reason-${w.name}`}
          maxLength={500}
          data-testid="widget-reason"
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          placeholder="Vendor reported a breach"
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
    <Section title="Widgets" testid="integrity-widgets">
      <p class="muted small section-intro" data-testid="widgets-timing">
        A switch takes effect on every node within 5 seconds, on each page's next load. Widgets never appear on payment, account or console pages.
      </p>
      {widgets.data?.warnings.map((w) => (
        <Notice key={w} tone="warning" testid="widgets-warning">
          {w}
        </Notice>
      ))}
      <ErrorNotice error={widgets.error} />
      {!widgets.data && widgets.loading && <Loading />}
      {list?.length === 0 && <Empty title="No widgets are configured (WIDGETS)." />}
      {list && list.length > 0 && (
        <ul class="integrity-list">
          {list.map((w) => (
            <li key={w.name} class="integrity-item" data-testid="widget" data-name={w.name} data-disabled={String(w.disabled)}>
              <div class="integrity-item-head">
                <State widget={w} />
                <div class="integrity-item-title">
                  <strong>{w.title}</strong> <span class="mono small muted">{w.name}</span>
                  <div class="mono small break">{w.origin}</div>
                </div>
                {canManageWidgets() && <Switch widget={w} onSwitched={replace} />}
              </div>
              <div class="integrity-item-body small">
                <PageClasses classes={w.classes} off={w.classes.filter((c) => !w.approved[c])} />
                {w.changedAt && (
                  <p class="muted">
                    {w.disabled ? 'Switched off' : 'Switched on'} by <span class="mono">{w.changedBy}</span> {formatShortDateTime(w.changedAt)}
                    {w.reason && `: ${w.reason}`}
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
