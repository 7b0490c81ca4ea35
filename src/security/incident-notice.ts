import type { IncidentCategory } from '../platform/database.types.js';
import { escapeHtml, type RenderedEmail, resolveLocale } from '../notifications/templates.js';
import type { SupportedLocale } from '../notifications/templates.strings.js';

/**
 * The breach notice to one affected person (GDPR Art. 34(2), which points at Art. 33(3)(b)-(d)), in
 * plain words and their language: what happened, which of their details, what it may mean, what we
 * did, what they should do, and whom to ask. It names nothing beyond the person's own name and the
 * days they bought or tried to: no orders, no addresses. Written by hand per language, like the
 * order confirmation; French puts a no-break space before `: ; ! ?`.
 */
export interface IncidentNotice {
  name: string;
  /** The buyer's language tag; see `resolveLocale`. */
  locale: string;
  category: IncidentCategory;
  /** The person's first and last checkout attempt in the scope. */
  firstAt: Date;
  lastAt: Date;
  /** The incident's timeline events (`what`), of which the measures are told. */
  timeline: readonly string[];
  /** Whether the address has a Taquilla account (then: set a new password). */
  hasAccount: boolean;
  /** The incident's contact point: the same one the regulator's notice names. */
  contact: string;
}

/** Timeline events that are measures a person is told about, in the order they are told. */
export const NOTICE_MEASURES = [
  'status_contained',
  'widget_disabled',
  'shield_on',
  'tamper_check_failed',
  'purge_run',
  'staff_revoked',
  'reset_forced',
  'customers_flagged',
] as const;
type Measure = (typeof NOTICE_MEASURES)[number];

interface Words {
  subject: string;
  greeting(name: string): string;
  greetingNoName: string;
  intro(period: string): string;
  on(day: string): string;
  between(from: string, to: string): string;
  headings: { happened: string; data: string; did: string; todo: string; contact: string };
  happened: Record<IncidentCategory, string>;
  data: string;
  card: string;
  consequence: string;
  measures: Record<Measure, string>;
  investigating: string;
  phishing: string;
  account: string;
  cardCheck: string;
  contact(address: string): string;
  signOff: string;
}

const nbsp = '\u00a0';

const words: Record<SupportedLocale, Words> = {
  en: {
    subject: 'Important: a security incident concerning your details at Taquilla',
    greeting: (name) => `Hi ${name},`,
    greetingNoName: 'Hello,',
    intro: (period) =>
      `We are writing to tell you about a security incident at Taquilla, the box office where you bought or tried to buy tickets ${period}. We are telling you directly because it concerns details you gave us.`,
    on: (day) => `on ${day}`,
    between: (from, to) => `between ${from} and ${to}`,
    headings: { happened: 'What happened', data: 'Your details concerned', did: 'What we have done', todo: 'What you should do', contact: 'Questions' },
    happened: {
      ddos: 'Our ticket sale was flooded with traffic meant to stop it working. We have no sign that anyone saw your details, but we are telling you because you were buying at that time.',
      script_compromise:
        'Code that was not ours ran, or tried to run, on the checkout pages where you typed your details. Code like that can read what is typed into a page.',
      credential_stuffing: 'Someone tried to sign in to customer accounts with passwords stolen from other websites.',
      staff_access: 'Someone got into, or tried to get into, the accounts our staff use to run the box office, where customers\u2019 orders can be seen.',
      data_exposure: 'Some customers\u2019 details could be seen by people who should not have seen them.',
      other: 'A security incident affected our box office.',
    },
    data: 'Your name and your email address, as you typed them when buying.',
    card: 'Your card details were not on our pages: you typed them only into our payment provider\u2019s own form, which is separate from our site.',
    consequence: 'Someone could use your name and email address to send you convincing fake messages (phishing).',
    measures: {
      status_contained: 'We stopped the incident.',
      widget_disabled: 'We switched off the outside service involved, on every page.',
      shield_on: 'We turned on our protection against abusive traffic.',
      tamper_check_failed: 'We compared our pages with the approved version and recorded every difference.',
      purge_run: 'We withdrew all staff access and issued it again with second factors.',
      staff_revoked: 'We ended every staff session and API key.',
      reset_forced: 'We asked the accounts concerned to set a new password and signed them out everywhere.',
      customers_flagged: 'We are watching the accounts and orders concerned for unusual activity.',
    },
    investigating: 'We are investigating what happened.',
    phishing:
      'Be wary of emails, messages or calls about tickets or refunds that ask you to pay, open a link, or give a password or card number. We never ask for your password or card details by email.',
    account: 'Set a new password for your Taquilla account, from the sign-in page. If you used the same password anywhere else, change it there too.',
    cardCheck: 'As a precaution, check your card statements and tell your bank about any payment you do not recognise.',
    contact: (address) => `If you have questions, write to ${address}. Never send us passwords or card numbers.`,
    signOff: 'The Taquilla team',
  },
  es: {
    subject: 'Importante: un incidente de seguridad relacionado con tus datos en Taquilla',
    greeting: (name) => `Hola, ${name}:`,
    greetingNoName: 'Hola:',
    intro: (period) =>
      `Te escribimos para informarte de un incidente de seguridad en Taquilla, la taquilla donde compraste o intentaste comprar entradas ${period}. Te lo contamos directamente porque afecta a datos que nos diste.`,
    on: (day) => `el ${day}`,
    between: (from, to) => `entre el ${from} y el ${to}`,
    headings: { happened: 'Qué ha pasado', data: 'Qué datos tuyos', did: 'Qué hemos hecho', todo: 'Qué debes hacer', contact: 'Dudas' },
    happened: {
      ddos: 'Nuestra venta de entradas recibió una avalancha de tráfico destinada a dejarla fuera de servicio. No hay indicios de que nadie haya visto tus datos, pero te avisamos porque estabas comprando en ese momento.',
      script_compromise:
        'En las páginas de pago donde escribiste tus datos se ejecutó, o intentó ejecutarse, código que no era nuestro. Un código así puede leer lo que se escribe en una página.',
      credential_stuffing: 'Alguien intentó entrar en cuentas de clientes con contraseñas robadas en otros sitios web.',
      staff_access:
        'Alguien accedió, o intentó acceder, a las cuentas que usa nuestro personal para gestionar la taquilla, desde las que se ven los pedidos de los clientes.',
      data_exposure: 'Algunos datos de clientes quedaron a la vista de personas que no debían verlos.',
      other: 'Un incidente de seguridad afectó a nuestra taquilla.',
    },
    data: 'Tu nombre y tu dirección de correo electrónico, tal como los escribiste al comprar.',
    card: 'Los datos de tu tarjeta no estaban en nuestras páginas: solo los escribiste en el formulario propio de nuestro proveedor de pagos, que está separado de nuestro sitio.',
    consequence: 'Alguien podría usar tu nombre y tu correo para enviarte mensajes falsos que parezcan auténticos (phishing).',
    measures: {
      status_contained: 'Hemos detenido el incidente.',
      widget_disabled: 'Hemos desactivado en todas las páginas el servicio externo implicado.',
      shield_on: 'Hemos activado nuestra protección contra el tráfico abusivo.',
      tamper_check_failed: 'Hemos comparado nuestras páginas con la versión aprobada y registrado cada diferencia.',
      purge_run: 'Hemos retirado todos los accesos del personal y los hemos vuelto a emitir con un segundo factor.',
      staff_revoked: 'Hemos cerrado todas las sesiones y claves de API del personal.',
      reset_forced: 'Hemos pedido a las cuentas afectadas que elijan una contraseña nueva y hemos cerrado sus sesiones en todos los dispositivos.',
      customers_flagged: 'Vigilamos las cuentas y los pedidos afectados por si hay actividad extraña.',
    },
    investigating: 'Estamos investigando lo ocurrido.',
    phishing:
      'Desconfía de correos, mensajes o llamadas sobre entradas o reembolsos que te pidan pagar, abrir un enlace o dar una contraseña o un número de tarjeta. Nunca te pediremos la contraseña ni los datos de la tarjeta por correo.',
    account:
      'Elige una contraseña nueva para tu cuenta de Taquilla desde la página de inicio de sesión. Si usabas la misma contraseña en otros sitios, cámbiala también allí.',
    cardCheck: 'Por precaución, revisa los movimientos de tu tarjeta y avisa a tu banco de cualquier cargo que no reconozcas.',
    contact: (address) => `Si tienes dudas, escríbenos a ${address}. Nunca nos envíes contraseñas ni números de tarjeta.`,
    signOff: 'El equipo de Taquilla',
  },
  fr: {
    subject: `Important${nbsp}: un incident de sécurité concernant vos données chez Taquilla`,
    greeting: (name) => `Bonjour ${name},`,
    greetingNoName: 'Bonjour,',
    intro: (period) =>
      `Nous vous écrivons au sujet d’un incident de sécurité chez Taquilla, la billetterie où vous avez acheté ou essayé d’acheter des billets ${period}. Nous vous prévenons directement, car il concerne des données que vous nous avez confiées.`,
    on: (day) => `le ${day}`,
    between: (from, to) => `entre le ${from} et le ${to}`,
    headings: {
      happened: 'Ce qui s’est passé',
      data: 'Vos données concernées',
      did: 'Ce que nous avons fait',
      todo: 'Ce que vous devriez faire',
      contact: 'Questions',
    },
    happened: {
      ddos: 'Notre billetterie a été submergée de trafic destiné à la mettre hors service. Rien n’indique que quelqu’un ait vu vos données, mais nous vous prévenons parce que vous achetiez à ce moment-là.',
      script_compromise:
        'Du code qui n’était pas le nôtre s’est exécuté, ou a tenté de s’exécuter, sur les pages de paiement où vous avez saisi vos données. Un tel code peut lire ce qui est saisi sur une page.',
      credential_stuffing: 'Quelqu’un a essayé de se connecter à des comptes clients avec des mots de passe volés sur d’autres sites.',
      staff_access:
        'Quelqu’un a accédé, ou tenté d’accéder, aux comptes que notre personnel utilise pour gérer la billetterie, d’où l’on peut voir les commandes des clients.',
      data_exposure: 'Des données de clients ont pu être vues par des personnes qui n’auraient pas dû les voir.',
      other: 'Un incident de sécurité a touché notre billetterie.',
    },
    data: 'Votre nom et votre adresse e-mail, tels que vous les avez saisis lors de l’achat.',
    card: `Vos données de carte ne se trouvaient pas sur nos pages${nbsp}: vous les avez saisies uniquement dans le formulaire de notre prestataire de paiement, distinct de notre site.`,
    consequence: 'Quelqu’un pourrait utiliser votre nom et votre adresse e-mail pour vous envoyer de faux messages crédibles (hameçonnage).',
    measures: {
      status_contained: 'Nous avons mis fin à l’incident.',
      widget_disabled: 'Nous avons désactivé sur toutes les pages le service externe en cause.',
      shield_on: 'Nous avons activé notre protection contre le trafic abusif.',
      tamper_check_failed: 'Nous avons comparé nos pages à la version approuvée et consigné chaque différence.',
      purge_run: 'Nous avons retiré tous les accès du personnel et les avons réémis avec un second facteur.',
      staff_revoked: 'Nous avons mis fin à toutes les sessions et clés d’API du personnel.',
      reset_forced: 'Nous avons demandé aux comptes concernés de choisir un nouveau mot de passe et les avons déconnectés partout.',
      customers_flagged: 'Nous surveillons les comptes et commandes concernés pour repérer toute activité inhabituelle.',
    },
    investigating: 'Nous enquêtons sur ce qui s’est passé.',
    phishing:
      'Méfiez-vous des e-mails, messages ou appels au sujet de billets ou de remboursements qui vous demandent de payer, d’ouvrir un lien ou de donner un mot de passe ou un numéro de carte. Nous ne vous demanderons jamais votre mot de passe ni vos données de carte par e-mail.',
    account:
      'Choisissez un nouveau mot de passe pour votre compte Taquilla, depuis la page de connexion. Si vous utilisiez le même mot de passe ailleurs, changez-le aussi.',
    cardCheck: 'Par précaution, vérifiez vos relevés de carte et signalez à votre banque tout paiement que vous ne reconnaissez pas.',
    contact: (address) => `Pour toute question, écrivez-nous à ${address}. Ne nous envoyez jamais de mot de passe ni de numéro de carte.`,
    signOff: 'L’équipe Taquilla',
  },
  nl: {
    subject: 'Belangrijk: een beveiligingsincident dat je gegevens bij Taquilla betreft',
    greeting: (name) => `Hallo ${name},`,
    greetingNoName: 'Hallo,',
    intro: (period) =>
      `We schrijven je over een beveiligingsincident bij Taquilla, de kassa waar je ${period} tickets hebt gekocht of probeerde te kopen. We laten het je zelf weten omdat het gaat om gegevens die je ons hebt gegeven.`,
    on: (day) => `op ${day}`,
    between: (from, to) => `tussen ${from} en ${to}`,
    headings: { happened: 'Wat er is gebeurd', data: 'Om welke gegevens het gaat', did: 'Wat we hebben gedaan', todo: 'Wat je kunt doen', contact: 'Vragen' },
    happened: {
      ddos: 'Onze ticketverkoop werd overspoeld met verkeer dat bedoeld was om hem plat te leggen. We hebben geen aanwijzingen dat iemand je gegevens heeft gezien, maar we laten het je weten omdat je op dat moment aan het kopen was.',
      script_compromise:
        'Op de betaalpagina’s waar je je gegevens invulde, draaide code die niet van ons was, of werd geprobeerd die te laten draaien. Zulke code kan lezen wat er op een pagina wordt ingevuld.',
      credential_stuffing: 'Iemand probeerde zich aan te melden bij klantaccounts met wachtwoorden die op andere websites zijn gestolen.',
      staff_access:
        'Iemand is binnengekomen, of probeerde binnen te komen, in de accounts waarmee onze medewerkers de kassa beheren en waarin bestellingen van klanten te zien zijn.',
      data_exposure: 'Gegevens van klanten waren zichtbaar voor mensen die ze niet hadden mogen zien.',
      other: 'Onze kassa is getroffen door een beveiligingsincident.',
    },
    data: 'Je naam en je e-mailadres, zoals je ze bij het kopen invulde.',
    card: 'Je kaartgegevens stonden niet op onze pagina’s: je vulde ze alleen in op het eigen formulier van onze betaalprovider, dat los staat van onze site.',
    consequence: 'Iemand zou je naam en e-mailadres kunnen gebruiken om je overtuigende nepberichten te sturen (phishing).',
    measures: {
      status_contained: 'We hebben het incident gestopt.',
      widget_disabled: 'We hebben de betrokken externe dienst op alle pagina’s uitgeschakeld.',
      shield_on: 'We hebben onze bescherming tegen misbruikverkeer aangezet.',
      tamper_check_failed: 'We hebben onze pagina’s vergeleken met de goedgekeurde versie en elk verschil vastgelegd.',
      purge_run: 'We hebben alle toegang van medewerkers ingetrokken en opnieuw uitgegeven met een tweede factor.',
      staff_revoked: 'We hebben alle sessies en API-sleutels van medewerkers beëindigd.',
      reset_forced: 'We hebben de betrokken accounts gevraagd een nieuw wachtwoord te kiezen en ze overal afgemeld.',
      customers_flagged: 'We houden de betrokken accounts en bestellingen in de gaten op ongewone activiteit.',
    },
    investigating: 'We onderzoeken wat er is gebeurd.',
    phishing:
      'Wees op je hoede voor e-mails, berichten of telefoontjes over tickets of terugbetalingen waarin je wordt gevraagd te betalen, een link te openen of een wachtwoord of kaartnummer te geven. We vragen nooit per e-mail om je wachtwoord of kaartgegevens.',
    account:
      'Kies via de aanmeldpagina een nieuw wachtwoord voor je Taquilla-account. Gebruikte je hetzelfde wachtwoord ergens anders, verander het daar dan ook.',
    cardCheck: 'Controleer voor de zekerheid je kaartafschriften en meld elke betaling die je niet herkent bij je bank.',
    contact: (address) => `Heb je vragen? Schrijf ons op ${address}. Stuur ons nooit wachtwoorden of kaartnummers.`,
    signOff: 'Het Taquilla-team',
  },
  nb: {
    subject: 'Viktig: en sikkerhetshendelse som gjelder opplysningene dine hos Taquilla',
    greeting: (name) => `Hei ${name},`,
    greetingNoName: 'Hei,',
    intro: (period) =>
      `Vi skriver til deg om en sikkerhetshendelse hos Taquilla, billettkontoret der du kjøpte eller prøvde å kjøpe billetter ${period}. Vi forteller deg det direkte fordi det gjelder opplysninger du har gitt oss.`,
    on: (day) => `den ${day}`,
    between: (from, to) => `mellom ${from} og ${to}`,
    headings: { happened: 'Hva som skjedde', data: 'Hvilke opplysninger det gjelder', did: 'Hva vi har gjort', todo: 'Hva du bør gjøre', contact: 'Spørsmål' },
    happened: {
      ddos: 'Billettsalget vårt ble oversvømt av trafikk som skulle sette det ut av spill. Vi har ingen tegn på at noen har sett opplysningene dine, men vi sier fra fordi du handlet akkurat da.',
      script_compromise:
        'Kode som ikke var vår, kjørte eller prøvde å kjøre på betalingssidene der du skrev inn opplysningene dine. Slik kode kan lese det som skrives inn på en side.',
      credential_stuffing: 'Noen prøvde å logge inn på kundekontoer med passord som er stjålet fra andre nettsteder.',
      staff_access:
        'Noen kom seg inn, eller prøvde å komme seg inn, på kontoene de ansatte bruker til å drive billettkontoret, der kundenes bestillinger kan ses.',
      data_exposure: 'Kundeopplysninger kunne ses av personer som ikke skulle ha sett dem.',
      other: 'En sikkerhetshendelse rammet billettkontoret vårt.',
    },
    data: 'Navnet ditt og e-postadressen din, slik du skrev dem inn da du kjøpte.',
    card: 'Kortopplysningene dine var ikke på sidene våre: du skrev dem bare inn i betalingsleverandørens eget skjema, som er atskilt fra nettstedet vårt.',
    consequence: 'Noen kan bruke navnet og e-postadressen din til å sende deg troverdige falske meldinger (phishing).',
    measures: {
      status_contained: 'Vi har stanset hendelsen.',
      widget_disabled: 'Vi har slått av den eksterne tjenesten det gjaldt, på alle sider.',
      shield_on: 'Vi har slått på beskyttelsen vår mot misbrukstrafikk.',
      tamper_check_failed: 'Vi har sammenlignet sidene våre med den godkjente versjonen og registrert hver forskjell.',
      purge_run: 'Vi har trukket tilbake all tilgang for de ansatte og gitt den ut på nytt med en ekstra faktor.',
      staff_revoked: 'Vi har avsluttet alle økter og API-nøkler for de ansatte.',
      reset_forced: 'Vi har bedt de berørte kontoene velge et nytt passord og logget dem ut overalt.',
      customers_flagged: 'Vi følger med på de berørte kontoene og bestillingene for å oppdage uvanlig aktivitet.',
    },
    investigating: 'Vi undersøker hva som skjedde.',
    phishing:
      'Vær på vakt mot e-poster, meldinger eller telefoner om billetter eller refusjoner som ber deg betale, åpne en lenke eller oppgi et passord eller kortnummer. Vi ber aldri om passordet ditt eller kortopplysninger på e-post.',
    account: 'Velg et nytt passord for Taquilla-kontoen din fra innloggingssiden. Hvis du brukte det samme passordet andre steder, bytt det der også.',
    cardCheck: 'Sjekk for sikkerhets skyld kortutskriftene dine, og si fra til banken om betalinger du ikke kjenner igjen.',
    contact: (address) => `Har du spørsmål, skriv til ${address}. Send oss aldri passord eller kortnummer.`,
    signOff: 'Hilsen Taquilla',
  },
};

const dayFormats = new Map<SupportedLocale, Intl.DateTimeFormat>();
const day = (date: Date, locale: SupportedLocale) => {
  let format = dayFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
    dayFormats.set(locale, format);
  }
  return format.format(date);
};

/** The notice's words for a person, in order: one list per section. */
function sections(input: IncidentNotice, w: Words, locale: SupportedLocale) {
  const [from, to] = [day(input.firstAt, locale), day(input.lastAt, locale)];
  const name = input.name.trim();
  const done = new Set(input.timeline);
  const measures = NOTICE_MEASURES.filter((m) => done.has(m)).map((m) => w.measures[m]);
  return {
    greeting: name ? w.greeting(name) : w.greetingNoName,
    intro: w.intro(from === to ? w.on(from) : w.between(from, to)),
    happened: [w.happened[input.category]],
    data: [w.data, w.card, w.consequence],
    did: [...measures, w.investigating],
    todo: [w.phishing, ...(input.hasAccount ? [w.account] : []), ...(input.category === 'script_compromise' ? [w.cardCheck] : [])],
    contact: w.contact(input.contact),
  };
}

export function renderIncidentNotice(input: IncidentNotice): RenderedEmail & { locale: SupportedLocale } {
  const locale = resolveLocale(input.locale);
  const w = words[locale];
  const s = sections(input, w, locale);
  const h = w.headings;
  const text = [
    s.greeting,
    '',
    s.intro,
    '',
    h.happened.toUpperCase(),
    ...s.happened,
    '',
    h.data.toUpperCase(),
    ...s.data.map((line) => `- ${line}`),
    '',
    h.did.toUpperCase(),
    ...s.did.map((line) => `- ${line}`),
    '',
    h.todo.toUpperCase(),
    ...s.todo.map((line) => `- ${line}`),
    '',
    h.contact.toUpperCase(),
    s.contact,
    '',
    w.signOff,
    '',
  ].join('\n');

  const e = escapeHtml;
  const list = (lines: string[]) => `<ul>\n${lines.map((line) => `<li>${e(line)}</li>`).join('\n')}\n</ul>`;
  const heading = (title: string) => `<h2 style="font-size:16px;margin:20px 0 4px">${e(title)}</h2>`;
  const html = `<!doctype html>
<html lang="${e(locale)}"><head><meta charset="utf-8"><title>${e(w.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1a1a1a;max-width:560px;margin:0 auto;padding:16px">
<p>${e(s.greeting)}</p>
<p>${e(s.intro)}</p>
${heading(h.happened)}
${s.happened.map((line) => `<p>${e(line)}</p>`).join('\n')}
${heading(h.data)}
${list(s.data)}
${heading(h.did)}
${list(s.did)}
${heading(h.todo)}
${list(s.todo)}
${heading(h.contact)}
<p>${e(s.contact)}</p>
<p>${e(w.signOff)}</p>
</body></html>
`;
  return { subject: w.subject, text, html, locale };
}
