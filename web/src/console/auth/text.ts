import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';

/**
 * The console is in English; the pages a person sees before they are in (sign-in, invitation,
 * enrolment, recovery codes) are also in Spanish, chosen from the browser's language or the
 * switch on the page. The server's refusals are explained from their stable codes, so they read
 * in the page's language too.
 */
export type AuthLocale = 'en' | 'es';

const en = {
  console: 'Console',
  language: 'Language',
  signInTitle: 'Sign in',
  passkeyButton: 'Sign in with a passkey',
  passkeyWorking: 'Waiting for your passkey…',
  or: 'or',
  email: 'Email',
  password: 'Password',
  continue: 'Continue',
  checking: 'Checking…',
  secondFactorTitle: 'Confirm it is you',
  secondFactorIntro: 'Your password was right. Now your second factor:',
  totpLabel: 'Code from your authenticator app',
  totpHint: 'Six digits; the app shows a new one every 30 seconds.',
  recoveryLabel: 'Recovery code',
  recoveryHint: 'One of the codes you saved when you set up your account; each works once.',
  useRecovery: 'Use a recovery code instead',
  useTotp: 'Use the authenticator app instead',
  usePasskey: 'Use your passkey instead',
  verify: 'Verify',
  startOver: 'Start over',
  signedOutReason: 'Signed out.',
  passkeyCancelled: 'The passkey prompt was closed before it finished. Try again, or use your password.',
  noPasskeys: 'This browser cannot use passkeys; sign in with your password.',
  inviteTitle: 'Welcome to Taquilla',
  inviteIntro: 'Choose a password for your staff account. Next you will set up a second factor: every staff account has one.',
  inviteFor: 'Invitation',
  newPassword: 'New password',
  repeatPassword: 'Repeat the password',
  passwordHint: 'At least 8 characters, no other rules: a few words you will remember work well. Common and breached passwords are refused.',
  mismatch: 'The two passwords are not the same.',
  setPassword: 'Set password',
  noToken: 'This page needs the whole link from your invitation email. Open it again, or ask an administrator to invite you again.',
  enrolTitle: 'Set up your second factor',
  enrolIntro: 'You will use it each time you sign in and to confirm sensitive actions. It is never an email or a text message.',
  passkeyOption: 'Passkey (recommended)',
  passkeyOptionHint: 'Your device’s fingerprint, face or PIN. It signs you in on its own, without the password.',
  createPasskey: 'Create a passkey',
  passkeyName: 'Name for this passkey',
  passkeyNameDefault: 'My passkey',
  totpOption: 'Authenticator app',
  totpOptionHint: 'An app that shows six-digit codes (Aegis, Google Authenticator, 1Password…).',
  setUpApp: 'Set up the app',
  scanQr: 'Scan this code with the app',
  qrLabel: 'QR code for the authenticator app',
  secretLabel: 'Or type this key into the app',
  totpConfirmLabel: 'The code the app shows now',
  confirm: 'Confirm',
  back: 'Back',
  recoveryTitle: 'Your recovery codes',
  recoveryIntro:
    'If you lose your passkey or your phone, each of these codes lets you in once. This is the only time they are shown: keep them somewhere safe, such as a password manager or on paper.',
  recoverySaved: 'I have saved them',
  recoveryContinue: 'Continue to the console',
  copy: 'Copy',
  copied: 'Copied',
  // The server's refusals, by code.
  invalid_credentials: 'The email or password is not right.',
  invalid_code: 'That code is not right, or was already used. Wait for the next one and try again.',
  passkey_refused: 'The passkey could not be verified. Try again.',
  invitation_invalid: 'This invitation link is not valid, was used already, or has expired. Ask for a new one.',
  too_short: 'Use at least 8 characters.',
  too_long: 'Use at most 128 characters.',
  common: 'This password is on a list of common or breached passwords; choose another.',
  context: 'The password must not be your email address or the name of this service.',
  rate_limited: 'Too many attempts. Wait a minute before trying again.',
  challenge_required: 'The browser check did not pass. Reload the page and try again.',
  network: 'No connection to the server. Check the network and try again.',
  unknown: 'Something went wrong. Try again.',
};

export type AuthText = typeof en;

const es: AuthText = {
  console: 'Consola',
  language: 'Idioma',
  signInTitle: 'Iniciar sesión',
  passkeyButton: 'Entrar con una llave de acceso',
  passkeyWorking: 'Esperando tu llave de acceso…',
  or: 'o',
  email: 'Correo electrónico',
  password: 'Contraseña',
  continue: 'Continuar',
  checking: 'Comprobando…',
  secondFactorTitle: 'Confirma que eres tú',
  secondFactorIntro: 'La contraseña es correcta. Ahora tu segundo factor:',
  totpLabel: 'Código de tu app de autenticación',
  totpHint: 'Seis dígitos; la app muestra uno nuevo cada 30 segundos.',
  recoveryLabel: 'Código de recuperación',
  recoveryHint: 'Uno de los códigos que guardaste al configurar tu cuenta; cada uno sirve una vez.',
  useRecovery: 'Usar un código de recuperación',
  useTotp: 'Usar la app de autenticación',
  usePasskey: 'Usar tu llave de acceso',
  verify: 'Verificar',
  startOver: 'Volver a empezar',
  signedOutReason: 'Sesión cerrada.',
  passkeyCancelled: 'La ventana de la llave de acceso se cerró antes de terminar. Inténtalo de nuevo o usa tu contraseña.',
  noPasskeys: 'Este navegador no admite llaves de acceso; entra con tu contraseña.',
  inviteTitle: 'Bienvenido a Taquilla',
  inviteIntro: 'Elige una contraseña para tu cuenta de personal. Después configurarás un segundo factor: todas las cuentas de personal tienen uno.',
  inviteFor: 'Invitación',
  newPassword: 'Nueva contraseña',
  repeatPassword: 'Repite la contraseña',
  passwordHint: 'Al menos 8 caracteres, sin más reglas: unas cuantas palabras que recuerdes funcionan bien. Se rechazan las contraseñas comunes o filtradas.',
  mismatch: 'Las dos contraseñas no coinciden.',
  setPassword: 'Guardar contraseña',
  noToken: 'Esta página necesita el enlace completo de tu correo de invitación. Ábrelo de nuevo o pide a un administrador que te invite otra vez.',
  enrolTitle: 'Configura tu segundo factor',
  enrolIntro: 'Lo usarás cada vez que inicies sesión y para confirmar acciones delicadas. Nunca es un correo ni un SMS.',
  passkeyOption: 'Llave de acceso (recomendada)',
  passkeyOptionHint: 'La huella, la cara o el PIN de tu dispositivo. Te permite entrar sin contraseña.',
  createPasskey: 'Crear una llave de acceso',
  passkeyName: 'Nombre de esta llave',
  passkeyNameDefault: 'Mi llave de acceso',
  totpOption: 'App de autenticación',
  totpOptionHint: 'Una app que muestra códigos de seis dígitos (Aegis, Google Authenticator, 1Password…).',
  setUpApp: 'Configurar la app',
  scanQr: 'Escanea este código con la app',
  qrLabel: 'Código QR para la app de autenticación',
  secretLabel: 'O escribe esta clave en la app',
  totpConfirmLabel: 'El código que muestra la app ahora',
  confirm: 'Confirmar',
  back: 'Atrás',
  recoveryTitle: 'Tus códigos de recuperación',
  recoveryIntro:
    'Si pierdes tu llave de acceso o tu teléfono, cada uno de estos códigos te deja entrar una vez. Solo se muestran ahora: guárdalos en un lugar seguro, como un gestor de contraseñas o en papel.',
  recoverySaved: 'Los he guardado',
  recoveryContinue: 'Ir a la consola',
  copy: 'Copiar',
  copied: 'Copiados',
  invalid_credentials: 'El correo o la contraseña no son correctos.',
  invalid_code: 'Ese código no es correcto o ya se usó. Espera al siguiente e inténtalo de nuevo.',
  passkey_refused: 'No se pudo verificar la llave de acceso. Inténtalo de nuevo.',
  invitation_invalid: 'Este enlace de invitación no es válido, ya se usó o ha caducado. Pide uno nuevo.',
  too_short: 'Usa al menos 8 caracteres.',
  too_long: 'Usa como máximo 128 caracteres.',
  common: 'Esta contraseña está en una lista de contraseñas comunes o filtradas; elige otra.',
  context: 'La contraseña no puede ser tu correo ni el nombre de este servicio.',
  rate_limited: 'Demasiados intentos. Espera un minuto antes de volver a intentarlo.',
  challenge_required: 'La comprobación del navegador no se superó. Recarga la página e inténtalo de nuevo.',
  network: 'No hay conexión con el servidor. Comprueba la red e inténtalo de nuevo.',
  unknown: 'Algo salió mal. Inténtalo de nuevo.',
};

const TEXTS: Record<AuthLocale, AuthText> = { en, es };
const KEY = 'taquilla.console.locale';
const listeners = new Set<() => void>();

function detect(): AuthLocale {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'en' || saved === 'es') return saved;
  } catch {
    /* storage off: the browser's language decides */
  }
  return navigator.languages.some((tag) => tag.toLowerCase().startsWith('es')) ? 'es' : 'en';
}

let locale: AuthLocale = detect();

export function setAuthLocale(next: AuthLocale): void {
  locale = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    /* kept for this page only */
  }
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function useAuthText(): { t: AuthText; locale: AuthLocale } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    listeners.add(update);
    document.documentElement.lang = locale;
    return () => {
      listeners.delete(update);
      document.documentElement.lang = 'en';
    };
  }, []);
  return { t: TEXTS[locale], locale };
}

/** A refusal in the page's language: by its reason (weak passwords) or code; the server's own words otherwise. */
export function explain(t: AuthText, error: unknown): string {
  if (error instanceof ApiError) {
    const reason = (error.body.error as { reason?: string } | undefined)?.reason;
    const key = (reason && reason in t ? reason : error.code) as keyof AuthText;
    if (key in t) return t[key];
    return error.message || t.unknown;
  }
  return error instanceof Error && error.message ? error.message : t.unknown;
}
