/**
 * The queue page's own words, in the five buyer languages. Kept apart from the buyer pages'
 * dictionaries so this page stays a few kilobytes and works when the main app does not.
 */
const KEYS = [
  'title',
  'language',
  'forShow',
  'startsAt',
  'venue',
  'paceNone',
  'opensAt',
  'joining',
  'keepOpen',
  'position',
  'ahead',
  'rate',
  'eta',
  'left',
  'underMinute',
  'reconnecting',
  'rejoin',
  'continue',
  'home',
  'failed',
  'notFound',
  'checking',
  'checkWhy',
  'checkFailed',
  'busy',
  'pre_queue',
  'waiting',
  'admitted',
  'sold_out',
  'paused',
  'closed',
  'expired',
  'pre_queue.why',
  'waiting.why',
  'admitted.why',
  'sold_out.why',
  'paused.why',
  'closed.why',
  'expired.why',
] as const;
export type Key = (typeof KEYS)[number];
export type Locale = 'es' | 'en' | 'fr' | 'nl' | 'nb';

const en: Record<Key, string> = {
  title: 'Waiting room',
  language: 'Language',
  opensAt: 'Sale opens',
  forShow: 'You are queuing for',
  startsAt: 'Date and time',
  venue: 'Venue',
  paceNone: 'Fans are let in as soon as there is room in checkout. The pace shows here once the first ones are in; you keep your place.',
  joining: 'Joining the line…',
  keepOpen: 'Keep this page open; it updates by itself. Reloading does not lose your place.',
  position: 'Your place in line',
  ahead: 'People ahead of you',
  rate: 'Fans let in per minute',
  eta: 'Estimated wait',
  left: 'Tickets left',
  underMinute: 'under a minute',
  reconnecting: 'Reconnecting…',
  rejoin: 'Join the line again',
  continue: 'Continue to tickets',
  home: 'See other events',
  failed: 'We could not reach the line. Retrying…',
  notFound: 'This performance was not found.',
  checking: 'Checking your browser… {n}',
  checkWhy:
    'Many people are arriving at once, so your browser first solves a small puzzle that shows it is not a bot. It takes a few seconds; there is nothing to do.',
  checkFailed: 'We could not check your browser. Try joining again.',
  busy: 'Many people are arriving; trying again in {n}.',
  pre_queue: 'Before the sale',
  waiting: 'In line',
  admitted: 'Your turn',
  sold_out: 'Sold out',
  paused: 'Paused',
  closed: 'Closed',
  expired: 'Turn lost',
  'pre_queue.why':
    'Sales have not opened yet. Everyone who arrives before the opening gets a place drawn at random when it opens, so there is no need to refresh.',
  'waiting.why': 'You are in line. When your turn comes we take you to choose your tickets.',
  'admitted.why': 'It is your turn. Taking you to choose your tickets…',
  'sold_out.why': 'This performance has sold out. If another date opens for this line, we will move you there automatically.',
  'paused.why': 'Admissions are paused for a moment. You keep your place.',
  'closed.why': 'The waiting room for this performance has closed.',
  'expired.why': 'Your turn passed because this page stopped checking in, or you did not start in time.',
};

const DICTS: Record<Locale, Record<Key, string>> = {
  en,
  es: {
    title: 'Sala de espera',
    language: 'Idioma',
    opensAt: 'La venta abre',
    forShow: 'Estás en la fila para',
    startsAt: 'Fecha y hora',
    venue: 'Lugar',
    paceNone: 'Se deja pasar a la gente en cuanto hay sitio para comprar. El ritmo aparecerá aquí cuando pasen los primeros; conservas tu lugar.',
    joining: 'Entrando en la fila…',
    keepOpen: 'Deja esta página abierta; se actualiza sola. Recargarla no te hace perder el sitio.',
    position: 'Tu lugar en la fila',
    ahead: 'Personas delante de ti',
    rate: 'Personas que entran por minuto',
    eta: 'Espera estimada',
    left: 'Entradas disponibles',
    underMinute: 'menos de un minuto',
    reconnecting: 'Reconectando…',
    rejoin: 'Volver a la fila',
    continue: 'Ir a las entradas',
    home: 'Ver otros eventos',
    failed: 'No pudimos conectar con la fila. Reintentando…',
    notFound: 'No encontramos esta función.',
    checking: 'Comprobando tu navegador… {n}',
    checkWhy:
      'Está llegando mucha gente a la vez, así que tu navegador resuelve primero un pequeño reto que demuestra que no es un robot. Tarda unos segundos; no tienes que hacer nada.',
    checkFailed: 'No pudimos comprobar tu navegador. Vuelve a intentarlo.',
    busy: 'Está llegando mucha gente; lo intentamos de nuevo en {n}.',
    pre_queue: 'Antes de la venta',
    waiting: 'En la fila',
    admitted: 'Es tu turno',
    sold_out: 'Agotado',
    paused: 'En pausa',
    closed: 'Cerrada',
    expired: 'Turno perdido',
    'pre_queue.why': 'La venta aún no ha empezado. Quien llega antes recibe un lugar sorteado al abrir, así que no hace falta recargar.',
    'waiting.why': 'Estás en la fila. Cuando llegue tu turno te llevaremos a elegir tus entradas.',
    'admitted.why': 'Es tu turno. Te llevamos a elegir tus entradas…',
    'sold_out.why': 'Esta función se ha agotado. Si se abre otra fecha para esta fila, te pasaremos a ella automáticamente.',
    'paused.why': 'La entrada está en pausa un momento. Conservas tu lugar.',
    'closed.why': 'La sala de espera de esta función está cerrada.',
    'expired.why': 'Tu turno pasó porque esta página dejó de conectarse o no empezaste a tiempo.',
  },
  fr: {
    title: 'Salle d’attente',
    language: 'Langue',
    opensAt: 'Ouverture de la vente',
    forShow: 'Vous faites la queue pour',
    startsAt: 'Date et heure',
    venue: 'Lieu',
    paceNone: 'Les personnes entrent dès qu’il y a de la place pour acheter. Le rythme s’affichera ici dès les premières entrées ; vous gardez votre place.',
    joining: 'Entrée dans la file…',
    keepOpen: 'Gardez cette page ouverte ; elle se met à jour toute seule. La recharger ne vous fait pas perdre votre place.',
    position: 'Votre place dans la file',
    ahead: 'Personnes devant vous',
    rate: 'Entrées par minute',
    eta: 'Attente estimée',
    left: 'Billets restants',
    underMinute: 'moins d’une minute',
    reconnecting: 'Reconnexion…',
    rejoin: 'Rejoindre la file à nouveau',
    continue: 'Accéder aux billets',
    home: 'Voir d’autres événements',
    failed: 'Impossible de joindre la file. Nouvel essai…',
    notFound: 'Cette représentation est introuvable.',
    checking: 'Vérification de votre navigateur… {n}',
    checkWhy:
      'Beaucoup de monde arrive en même temps : votre navigateur résout d’abord une petite énigme qui montre qu’il n’est pas un robot. Cela prend quelques secondes ; vous n’avez rien à faire.',
    checkFailed: 'Impossible de vérifier votre navigateur. Réessayez de rejoindre la file.',
    busy: 'Beaucoup de monde arrive ; nouvel essai dans {n}.',
    pre_queue: 'Avant la vente',
    waiting: 'Dans la file',
    admitted: 'C’est votre tour',
    sold_out: 'Complet',
    paused: 'En pause',
    closed: 'Fermée',
    expired: 'Tour perdu',
    'pre_queue.why':
      'La vente n’est pas encore ouverte. Chaque personne arrivée avant l’ouverture reçoit une place tirée au sort à l’ouverture : inutile de recharger.',
    'waiting.why': 'Vous êtes dans la file. À votre tour, nous vous emmenons choisir vos billets.',
    'admitted.why': 'C’est votre tour. Nous vous emmenons choisir vos billets…',
    'sold_out.why': 'Cette représentation est complète. Si une autre date s’ouvre pour cette file, vous y serez transféré automatiquement.',
    'paused.why': 'Les entrées sont en pause un instant. Vous gardez votre place.',
    'closed.why': 'La salle d’attente de cette représentation est fermée.',
    'expired.why': 'Votre tour est passé car cette page a cessé de se connecter, ou vous n’avez pas commencé à temps.',
  },
  nl: {
    title: 'Wachtruimte',
    language: 'Taal',
    opensAt: 'De verkoop opent',
    forShow: 'Je staat in de rij voor',
    startsAt: 'Datum en tijd',
    venue: 'Locatie',
    paceNone: 'Mensen worden toegelaten zodra er plek is om te kopen. Het tempo verschijnt hier zodra de eersten binnen zijn; je houdt je plek.',
    joining: 'Je sluit aan in de rij…',
    keepOpen: 'Houd deze pagina open; hij werkt zichzelf bij. Herladen kost je je plek niet.',
    position: 'Je plek in de rij',
    ahead: 'Mensen voor je',
    rate: 'Toegelaten per minuut',
    eta: 'Geschatte wachttijd',
    left: 'Tickets over',
    underMinute: 'minder dan een minuut',
    reconnecting: 'Opnieuw verbinden…',
    rejoin: 'Opnieuw aansluiten',
    continue: 'Naar de tickets',
    home: 'Andere evenementen',
    failed: 'We konden de rij niet bereiken. Opnieuw proberen…',
    notFound: 'Deze voorstelling is niet gevonden.',
    checking: 'Je browser wordt gecontroleerd… {n}',
    checkWhy:
      'Er komen veel mensen tegelijk binnen, dus je browser lost eerst een kleine puzzel op die laat zien dat hij geen bot is. Dat duurt een paar seconden; je hoeft niets te doen.',
    checkFailed: 'We konden je browser niet controleren. Probeer opnieuw aan te sluiten.',
    busy: 'Er komen veel mensen binnen; we proberen het opnieuw over {n}.',
    pre_queue: 'Voor de verkoop',
    waiting: 'In de rij',
    admitted: 'Jouw beurt',
    sold_out: 'Uitverkocht',
    paused: 'Gepauzeerd',
    closed: 'Gesloten',
    expired: 'Beurt verlopen',
    'pre_queue.why': 'De verkoop is nog niet begonnen. Wie vóór de opening komt, krijgt bij de opening een plek via loting; herladen is dus niet nodig.',
    'waiting.why': 'Je staat in de rij. Als je aan de beurt bent, brengen we je naar de tickets.',
    'admitted.why': 'Je bent aan de beurt. We brengen je naar de tickets…',
    'sold_out.why': 'Deze voorstelling is uitverkocht. Als er een nieuwe datum voor deze rij opent, zetten we je daar automatisch in.',
    'paused.why': 'Toelating is even gepauzeerd. Je houdt je plek.',
    'closed.why': 'De wachtruimte voor deze voorstelling is gesloten.',
    'expired.why': 'Je beurt is voorbij omdat deze pagina geen contact meer maakte, of je niet op tijd begon.',
  },
  nb: {
    title: 'Venterom',
    language: 'Språk',
    opensAt: 'Salget åpner',
    forShow: 'Du står i kø for',
    startsAt: 'Dato og tid',
    venue: 'Sted',
    paceNone: 'Folk slippes inn så snart det er plass til å kjøpe. Tempoet vises her når de første er sluppet inn; du beholder plassen.',
    joining: 'Stiller deg i køen…',
    keepOpen: 'Hold denne siden åpen; den oppdateres av seg selv. Du mister ikke plassen om du laster den på nytt.',
    position: 'Din plass i køen',
    ahead: 'Personer foran deg',
    rate: 'Slippes inn per minutt',
    eta: 'Beregnet ventetid',
    left: 'Billetter igjen',
    underMinute: 'under ett minutt',
    reconnecting: 'Kobler til igjen…',
    rejoin: 'Still deg i køen igjen',
    continue: 'Gå til billettene',
    home: 'Se andre arrangementer',
    failed: 'Vi fikk ikke kontakt med køen. Prøver igjen…',
    notFound: 'Fant ikke denne forestillingen.',
    checking: 'Sjekker nettleseren din… {n}',
    checkWhy:
      'Mange kommer samtidig, så nettleseren din løser først en liten oppgave som viser at den ikke er en robot. Det tar noen sekunder; du trenger ikke gjøre noe.',
    checkFailed: 'Vi fikk ikke sjekket nettleseren din. Prøv å stille deg i køen igjen.',
    busy: 'Mange kommer nå; prøver igjen om {n}.',
    pre_queue: 'Før salget',
    waiting: 'I køen',
    admitted: 'Din tur',
    sold_out: 'Utsolgt',
    paused: 'Pause',
    closed: 'Stengt',
    expired: 'Turen er tapt',
    'pre_queue.why':
      'Salget har ikke åpnet ennå. Alle som kommer før åpning får en plass trukket tilfeldig ved åpning, så det er ingen vits å laste siden på nytt.',
    'waiting.why': 'Du står i køen. Når det er din tur, tar vi deg videre til billettene.',
    'admitted.why': 'Det er din tur. Vi tar deg videre til billettene…',
    'sold_out.why': 'Denne forestillingen er utsolgt. Åpner en ny dato for denne køen, flytter vi deg dit automatisk.',
    'paused.why': 'Inngangen er satt på pause et øyeblikk. Du beholder plassen.',
    'closed.why': 'Venterommet for denne forestillingen er stengt.',
    'expired.why': 'Turen din gikk tapt fordi siden sluttet å sjekke inn, eller du ikke startet i tide.',
  },
};

function toLocale(tag: string | null | undefined): Locale | null {
  const primary = (tag ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  if (primary === 'nn' || primary === 'no') return 'nb';
  return primary in DICTS ? (primary as Locale) : null;
}

/** Like the buyer pages: a remembered choice, then the browser's languages, then Spanish. */
export function detectLocale(): Locale {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem('taquilla.locale');
  } catch {
    /* storage disabled */
  }
  for (const tag of [saved, ...(navigator.languages?.length ? navigator.languages : [navigator.language])]) {
    const locale = toLocale(tag);
    if (locale) return locale;
  }
  return 'es';
}

export const dictionary = (locale: Locale): Record<Key, string> => DICTS[locale];

/** Remembers the fan's choice for this page and the buyer pages, which read the same key. */
export function saveLocale(locale: Locale): void {
  try {
    localStorage.setItem('taquilla.locale', locale);
  } catch {
    /* storage disabled: the choice lasts for this page */
  }
}

export const isLocale = (value: string | undefined): value is Locale => value !== undefined && value in DICTS;
