import { useState } from 'preact/hooks';
import { usePolling } from '../hooks';
import { t } from '../i18n';
import { can } from '../session';
import { type Incident, loadIncidents } from '../shield/shield-api';
import { PageHeader } from '../ui';
import { Builds } from './builds';
import { CompromiseIncidents } from './compromise-incidents';
import { CspReports } from './csp-reports';
import { ScriptInventory } from './script-inventory';
import { TamperChecks } from './tamper-checks';
import { WidgetSwitches } from './widget-switches';

/** The incident kind src/security/script-compromise.ts opens. */
const SCRIPT_COMPROMISE = 'script_compromise';
/** An open incident should show without a reload, but this page is read, not watched. */
const POLL_MS = 15_000;

/** Open script-compromise incidents, polled; `refresh()` after an action that may open one. */
function useCompromiseIncidents() {
  const [incidents, setIncidents] = useState<Incident[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = usePolling(
    async (signal) => {
      if (!can('incidents.read')) return;
      try {
        const all = await loadIncidents(signal);
        if (signal.aborted) return;
        setIncidents(all.filter((i) => i.kind === SCRIPT_COMPROMISE));
        setError(null);
      } catch (e) {
        if (!signal.aborted) setError(e);
      }
    },
    POLL_MS,
    [],
  );
  return { incidents, error, refresh };
}

/**
 * Payment-page integrity (PCI DSS 6.4.3 and 11.6.1): open script-compromise incidents, the tamper
 * check, the widgets' kill switch, CSP violation reports, the script inventory and the builds.
 */
export function IntegrityPage() {
  const compromise = useCompromiseIncidents();
  return (
    <>
      <PageHeader title={t('integrity.title')} subtitle={t('integrity.subtitle')} />
      <div class="stack" data-testid="integrity">
        {can('incidents.read') && <CompromiseIncidents incidents={compromise.incidents} error={compromise.error} />}
        <TamperChecks onRan={compromise.refresh} />
        <WidgetSwitches />
        <CspReports />
        <ScriptInventory />
        <Builds />
      </div>
    </>
  );
}
