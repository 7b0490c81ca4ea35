import { t } from '../../shared/i18n.js';
import { browserAndSystem } from '../../shared/user-agent.js';

/** "Chrome on Android" from a user agent: enough to recognise one's own devices. */
export function deviceName(userAgent: string | null): string {
  if (!userAgent) return t('account.sessions.unknownDevice');
  const { browser, system } = browserAndSystem(userAgent);
  if (!browser && !system) return t('account.sessions.unknownDevice');
  return t('account.sessions.device', { browser: browser ?? t('account.sessions.aBrowser'), system: system ?? t('account.sessions.aSystem') });
}
