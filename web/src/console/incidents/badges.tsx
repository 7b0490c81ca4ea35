import { incidentStatusLabel } from '../shield/incident-words';
import { SEVERITY_TONE, type Severity, severityLabel, STATUS_TONE, type Status } from './incidents-api';

export function StatusBadge(props: { status: Status }) {
  return (
    <span class={`badge badge-${STATUS_TONE[props.status] ?? 'neutral'}`} data-testid="incident-status" data-status={props.status}>
      {incidentStatusLabel(props.status)}
    </span>
  );
}

export function SeverityBadge(props: { severity: Severity }) {
  return (
    <span
      class={`badge badge-${SEVERITY_TONE[props.severity] ?? 'neutral'} incident-severity-${props.severity}`}
      data-testid="incident-severity"
      data-severity={props.severity}
    >
      {severityLabel(props.severity)}
    </span>
  );
}
