import { escapeHtml, type RenderedEmail } from './templates.js';
import type { SupportedLocale } from './templates.strings.js';

/**
 * The emails of a customer account, in the customer's language: confirm the email address (48 h
 * link), reset the password (1 h link, asked for by the fan), the forced reset (an operator asked
 * every affected account for a new password; 1 h link, and the sign-in page sends a fresh one),
 * and "you already have an account" (someone signed up with this address: the answer to the sign-up
 * is the same either way, so the owner of the address is the one told).
 *
 * The links carry their token after `#`, so it is not sent to servers, logs or Referer headers.
 * Each email says what to do if it was not expected: nothing happens until the link is used.
 */
export type CustomerEmailKind = 'verify_email' | 'reset_password' | 'forced_reset' | 'account_exists';

interface Words {
  subject: string;
  body: string[];
  button: string;
  ignore: string;
}

const nbsp = '\u00a0';

const words: Record<SupportedLocale, Record<CustomerEmailKind, Words>> = {
  en: {
    verify_email: {
      subject: 'Confirm your email for your Taquilla account',
      body: ['Thanks for creating a Taquilla account.', 'Open the link below within 48 hours to confirm this is your email address.'],
      button: 'Confirm my email',
      ignore: 'If you did not create an account, ignore this email: nothing happens without the link.',
    },
    reset_password: {
      subject: 'Set a new password for your Taquilla account',
      body: ['Someone (hopefully you) asked to reset the password of the account with this email.', 'The link below works once, within one hour.'],
      button: 'Set a new password',
      ignore: 'If you did not ask for this, ignore this email: your password stays as it is.',
    },
    forced_reset: {
      subject: 'Action needed: set a new password for your Taquilla account',
      body: [
        'To protect your account, the box office has asked you to set a new password. You have been signed out everywhere.',
        'The link below works once, within one hour. If it has expired, sign in as usual and we will send you a new one.',
      ],
      button: 'Set a new password',
      ignore: 'We will never ask for your password by email. Your tickets stay valid.',
    },
    account_exists: {
      subject: 'You already have a Taquilla account',
      body: [
        'Someone tried to create a Taquilla account with this email address, which already has one.',
        'If it was you, sign in instead; if you forgot your password, you can set a new one from the sign-in page.',
      ],
      button: 'Sign in',
      ignore: 'If it was not you, ignore this email: nothing has changed.',
    },
  },
  es: {
    verify_email: {
      subject: 'Confirma tu correo para tu cuenta de Taquilla',
      body: ['Gracias por crear una cuenta en Taquilla.', 'Abre el enlace en las próximas 48 horas para confirmar que este correo es tuyo.'],
      button: 'Confirmar mi correo',
      ignore: 'Si no has creado ninguna cuenta, ignora este correo: no pasa nada sin el enlace.',
    },
    reset_password: {
      subject: 'Elige una contraseña nueva para tu cuenta de Taquilla',
      body: [
        'Alguien (esperamos que tú) ha pedido restablecer la contraseña de la cuenta con este correo.',
        'El enlace funciona una sola vez, durante una hora.',
      ],
      button: 'Elegir una contraseña nueva',
      ignore: 'Si no lo has pedido, ignora este correo: tu contraseña sigue igual.',
    },
    forced_reset: {
      subject: 'Acción necesaria: elige una contraseña nueva para tu cuenta de Taquilla',
      body: [
        'Para proteger tu cuenta, la taquilla te pide que elijas una contraseña nueva. Hemos cerrado tu sesión en todos los dispositivos.',
        'El enlace funciona una sola vez, durante una hora. Si ha caducado, inicia sesión como siempre y te enviaremos otro.',
      ],
      button: 'Elegir una contraseña nueva',
      ignore: 'Nunca te pediremos la contraseña por correo. Tus entradas siguen siendo válidas.',
    },
    account_exists: {
      subject: 'Ya tienes una cuenta en Taquilla',
      body: [
        'Alguien ha intentado crear una cuenta en Taquilla con este correo, que ya tiene una.',
        'Si fuiste tú, inicia sesión; si has olvidado la contraseña, puedes elegir una nueva desde la página de inicio de sesión.',
      ],
      button: 'Iniciar sesión',
      ignore: 'Si no fuiste tú, ignora este correo: no ha cambiado nada.',
    },
  },
  fr: {
    verify_email: {
      subject: 'Confirmez votre adresse pour votre compte Taquilla',
      body: ['Merci d’avoir créé un compte Taquilla.', 'Ouvrez le lien ci-dessous dans les 48 heures pour confirmer que cette adresse est la vôtre.'],
      button: 'Confirmer mon adresse',
      ignore: `Si vous n’avez pas créé de compte, ignorez ce message${nbsp}: rien ne se passe sans le lien.`,
    },
    reset_password: {
      subject: 'Choisissez un nouveau mot de passe pour votre compte Taquilla',
      body: [
        'Quelqu’un (vous, nous l’espérons) a demandé à réinitialiser le mot de passe du compte lié à cette adresse.',
        'Le lien ci-dessous ne fonctionne qu’une fois, pendant une heure.',
      ],
      button: 'Choisir un nouveau mot de passe',
      ignore: `Si vous n’avez rien demandé, ignorez ce message${nbsp}: votre mot de passe reste inchangé.`,
    },
    forced_reset: {
      subject: `Action requise${nbsp}: choisissez un nouveau mot de passe pour votre compte Taquilla`,
      body: [
        'Pour protéger votre compte, la billetterie vous demande de choisir un nouveau mot de passe. Vous avez été déconnecté partout.',
        'Le lien ci-dessous ne fonctionne qu’une fois, pendant une heure. S’il a expiré, connectez-vous comme d’habitude et nous vous en enverrons un nouveau.',
      ],
      button: 'Choisir un nouveau mot de passe',
      ignore: 'Nous ne vous demanderons jamais votre mot de passe par e-mail. Vos billets restent valables.',
    },
    account_exists: {
      subject: 'Vous avez déjà un compte Taquilla',
      body: [
        'Quelqu’un a essayé de créer un compte Taquilla avec cette adresse, qui en a déjà un.',
        `Si c’était vous, connectez-vous plutôt${nbsp}; si vous avez oublié votre mot de passe, vous pouvez en choisir un nouveau depuis la page de connexion.`,
      ],
      button: 'Se connecter',
      ignore: `Si ce n’était pas vous, ignorez ce message${nbsp}: rien n’a changé.`,
    },
  },
  nl: {
    verify_email: {
      subject: 'Bevestig je e-mailadres voor je Taquilla-account',
      body: ['Bedankt voor het aanmaken van een Taquilla-account.', 'Open de link hieronder binnen 48 uur om te bevestigen dat dit jouw e-mailadres is.'],
      button: 'Mijn e-mailadres bevestigen',
      ignore: 'Heb je geen account aangemaakt? Negeer deze e-mail dan: zonder de link gebeurt er niets.',
    },
    reset_password: {
      subject: 'Kies een nieuw wachtwoord voor je Taquilla-account',
      body: [
        'Iemand (hopelijk jij) heeft gevraagd het wachtwoord te herstellen van het account met dit e-mailadres.',
        'De link hieronder werkt één keer, binnen een uur.',
      ],
      button: 'Nieuw wachtwoord kiezen',
      ignore: 'Heb je hier niet om gevraagd? Negeer deze e-mail dan: je wachtwoord blijft hetzelfde.',
    },
    forced_reset: {
      subject: 'Actie nodig: kies een nieuw wachtwoord voor je Taquilla-account',
      body: [
        'Om je account te beschermen vraagt de kassa je een nieuw wachtwoord te kiezen. Je bent overal afgemeld.',
        'De link hieronder werkt één keer, binnen een uur. Is hij verlopen, meld je dan gewoon aan en we sturen je een nieuwe.',
      ],
      button: 'Nieuw wachtwoord kiezen',
      ignore: 'We vragen nooit per e-mail om je wachtwoord. Je tickets blijven geldig.',
    },
    account_exists: {
      subject: 'Je hebt al een Taquilla-account',
      body: [
        'Iemand probeerde een Taquilla-account aan te maken met dit e-mailadres, dat er al een heeft.',
        'Was jij het? Meld je dan aan; ben je je wachtwoord vergeten, dan kun je op de aanmeldpagina een nieuw kiezen.',
      ],
      button: 'Aanmelden',
      ignore: 'Was jij het niet? Negeer deze e-mail dan: er is niets veranderd.',
    },
  },
  nb: {
    verify_email: {
      subject: 'Bekreft e-postadressen for Taquilla-kontoen din',
      body: ['Takk for at du opprettet en Taquilla-konto.', 'Åpne lenken nedenfor innen 48 timer for å bekrefte at dette er din e-postadresse.'],
      button: 'Bekreft e-postadressen',
      ignore: 'Har du ikke opprettet en konto, kan du se bort fra denne e-posten: ingenting skjer uten lenken.',
    },
    reset_password: {
      subject: 'Velg et nytt passord for Taquilla-kontoen din',
      body: [
        'Noen (forhåpentligvis du) har bedt om å tilbakestille passordet til kontoen med denne e-postadressen.',
        'Lenken nedenfor virker én gang, innen én time.',
      ],
      button: 'Velg et nytt passord',
      ignore: 'Har du ikke bedt om dette, kan du se bort fra e-posten: passordet ditt er uendret.',
    },
    forced_reset: {
      subject: 'Handling kreves: velg et nytt passord for Taquilla-kontoen din',
      body: [
        'For å beskytte kontoen din ber billettkontoret deg velge et nytt passord. Du er logget ut overalt.',
        'Lenken nedenfor virker én gang, innen én time. Har den utløpt, logger du inn som vanlig, så sender vi deg en ny.',
      ],
      button: 'Velg et nytt passord',
      ignore: 'Vi ber aldri om passordet ditt på e-post. Billettene dine er fortsatt gyldige.',
    },
    account_exists: {
      subject: 'Du har allerede en Taquilla-konto',
      body: [
        'Noen prøvde å opprette en Taquilla-konto med denne e-postadressen, som allerede har en.',
        'Var det deg, logger du inn i stedet; har du glemt passordet, kan du velge et nytt fra innloggingssiden.',
      ],
      button: 'Logg inn',
      ignore: 'Var det ikke deg, kan du se bort fra denne e-posten: ingenting er endret.',
    },
  },
};

export function renderCustomerEmail(kind: CustomerEmailKind, input: { url: string; locale: SupportedLocale }): RenderedEmail {
  const w = words[input.locale][kind];
  // French spaces its colons.
  const colon = input.locale === 'fr' ? `${nbsp}: ` : ': ';
  const text = [...w.body, '', `${w.button}${colon}${input.url}`, '', w.ignore, ''].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${input.locale}"><head><meta charset="utf-8"><title>${e(w.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1a1a1a;max-width:560px;margin:0 auto;padding:16px">
${w.body.map((line) => `<p>${e(line)}</p>`).join('\n')}
<p><a href="${e(input.url)}" style="display:inline-block;background:#1a1a1a;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${e(w.button)}</a></p>
<p style="color:#555">${e(w.ignore)}</p>
</body></html>
`;
  return { subject: w.subject, text, html };
}
