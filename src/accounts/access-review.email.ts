import type { DormantDisabled } from '../platform/database.types.js';
import { escapeHtml, type RenderedEmail } from '../notifications/templates.js';

/**
 * The note the dormant-account job sends owners and security officers: what it disabled and why,
 * and where to look. In English and Spanish, like the console.
 */
const strings = {
  en: {
    subject: (n: number) => `Taquilla access review: ${n} unused ${n === 1 ? 'credential' : 'credentials'} disabled`,
    intro: (days: number) => `The daily access review disabled these staff accounts and API keys: none was used for ${days} days.`,
    staff: 'staff account',
    key: 'API key',
    never: 'never used',
    lastUsed: 'last used',
    next: 'To restore one, enable the account (or invite the person again) in the console; a revoked key cannot come back: make a new one.',
    link: 'Access review',
  },
  es: {
    subject: (n: number) => `Revisión de accesos de Taquilla: ${n} ${n === 1 ? 'credencial sin uso desactivada' : 'credenciales sin uso desactivadas'}`,
    intro: (days: number) => `La revisión diaria de accesos desactivó estas cuentas del equipo y claves de API: ninguna se usó en ${days} días.`,
    staff: 'cuenta del equipo',
    key: 'clave de API',
    never: 'nunca usada',
    lastUsed: 'último uso',
    next: 'Para recuperar una, actívala (o invita de nuevo a la persona) en la consola; una clave revocada no vuelve: crea otra.',
    link: 'Revisión de accesos',
  },
} as const;

export function renderDormantNotice(input: { disabled: DormantDisabled[]; dormantDays: number; reviewUrl: string; locale: 'en' | 'es' }): RenderedEmail {
  const t = strings[input.locale];
  const line = (d: DormantDisabled) =>
    `${d.type === 'staff' ? t.staff : t.key}: ${d.name}${d.role ? ` (${d.role})` : ''}, ${d.lastUsedAt ? `${t.lastUsed} ${d.lastUsedAt.slice(0, 10)}` : t.never}`;
  const lines = input.disabled.map(line);
  const text = [t.intro(input.dormantDays), '', ...lines.map((l) => `- ${l}`), '', t.next, '', `${t.link}: ${input.reviewUrl}`, ''].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${input.locale}"><head><meta charset="utf-8"><title>${e(t.subject(lines.length))}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1a1a1a;max-width:560px;margin:0 auto;padding:16px">
<p>${e(t.intro(input.dormantDays))}</p>
<ul>${lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>
<p>${e(t.next)}</p>
<p><a href="${e(input.reviewUrl)}">${e(t.link)}</a></p>
</body></html>
`;
  return { subject: t.subject(lines.length), text, html };
}
