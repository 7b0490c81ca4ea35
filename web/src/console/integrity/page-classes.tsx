import { t } from '../i18n';
import { pageClassLabel } from '../shield/incident-words';
import { GUARDED } from './integrity-api';

/** Page classes as small chips; payment and account (card details, passwords) stand out. */
export function PageClasses(props: { classes: readonly string[]; off?: readonly string[] }) {
  if (props.classes.length === 0) return <span class="muted">—</span>;
  return (
    <span class="integrity-classes">
      {props.classes.map((c) => {
        const off = props.off?.includes(c);
        return (
          <span
            key={c}
            class={`integrity-class ${GUARDED.has(c) ? 'integrity-class-guarded' : ''} ${off ? 'integrity-class-off' : ''}`}
            data-class={c}
            title={off ? t('integrity.classNotApproved', { class: pageClassLabel(c) }) : undefined}
          >
            {pageClassLabel(c)}
            {off && <span class="visually-hidden"> {t('integrity.notApproved')}</span>}
          </span>
        );
      })}
    </span>
  );
}

/** A value from a check or a timeline: text as it is, anything else as compact JSON. */
export function Shown(props: { value: unknown }) {
  const v = props.value;
  if (v === null || v === undefined || v === '') return <span class="muted">—</span>;
  if (typeof v === 'object')
    return (
      <code class="integrity-code" data-user-content>
        {JSON.stringify(v)}
      </code>
    );
  return (
    <span class="mono break" data-user-content>
      {String(v)}
    </span>
  );
}
