import { escapeHtml, type RenderedEmail } from './templates.js';

/**
 * The staff invitation email: the console speaks English and Spanish, so does this. It carries the
 * one-time link (72 hours) and says what it is for; nothing else about the box office.
 */
const strings = {
  en: {
    subject: 'Your Taquilla staff invitation',
    greeting: (name: string) => (name ? `Hello ${name},` : 'Hello,'),
    intro: (role: string) => `You are invited to the Taquilla console as ${role}.`,
    steps: 'Open the link below within 72 hours to choose a password, then add a passkey or an authenticator app: staff accounts always need two factors.',
    button: 'Accept the invitation',
    ignore: 'If you did not expect this, ignore it: nothing happens until the link is used.',
  },
  es: {
    subject: 'Tu invitación al equipo de Taquilla',
    greeting: (name: string) => (name ? `Hola, ${name}:` : 'Hola:'),
    intro: (role: string) => `Te invitan a la consola de Taquilla con el rol ${role}.`,
    steps:
      'Abre el enlace en las próximas 72 horas para elegir una contraseña y añadir una llave de acceso o una app de autenticación: las cuentas del equipo siempre usan dos factores.',
    button: 'Aceptar la invitación',
    ignore: 'Si no lo esperabas, ignóralo: no pasa nada hasta que se use el enlace.',
  },
} as const;

export function renderStaffInvitation(input: { name: string; role: string; url: string; locale: 'en' | 'es' }): RenderedEmail {
  const t = strings[input.locale];
  const text = [t.greeting(input.name), '', t.intro(input.role), t.steps, '', input.url, '', t.ignore, ''].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${input.locale}"><head><meta charset="utf-8"><title>${e(t.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1a1a1a;max-width:560px;margin:0 auto;padding:16px">
<p>${e(t.greeting(input.name))}</p>
<p>${e(t.intro(input.role))}</p>
<p>${e(t.steps)}</p>
<p><a href="${e(input.url)}" style="display:inline-block;background:#1a1a1a;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${e(t.button)}</a></p>
<p style="color:#555">${e(t.ignore)}</p>
</body></html>
`;
  return { subject: t.subject, text, html };
}
