// UI strings of the widget in every language it speaks. The language follows the shop's
// page (<html lang>), then the browser; anything else falls back to English.

export interface Strings {
  openChat: string;
  closeChat: string;
  sound: string;
  chat: string;
  messages: string;
  message: string;
  placeholder: string;
  send: string;
  you: string;
  support: string;
  sending: string;
  sent: string;
  read: string;
  failed: string;
  reconnecting: string;
  /** Neither a WebSocket nor HTTP reaches the server: the offline form is offered. */
  unreachable: string;
  tooLong: string;
  unread: (count: number) => string;
  typing: (name: string) => string;
  name: string;
  email: string;
  topic: string;
  choose: string;
  startChat: string;
  prechatIntro: string;
  leaveTitle: string;
  away: string;
  sendMessage: string;
  /** When the site opens next: `days` from today in the visitor's time zone. */
  reopens: (days: number, at: Date) => string;
  thanks: (email: string) => string;
  signInToChat: string;
  required: string;
  emailMissing: string;
  emailInvalid: string;
  chooseTopic: string;
  leaveFailed: string;
  /** The place in the queue and the estimated wait in minutes (0: no estimate). */
  queue: (position: number, minutes: number) => string;
  /** A system line in the log: an agent closed the conversation. */
  chatEnded: string;
  startNewChat: string;
  attachFile: string;
  dropFiles: string;
  uploading: (name: string) => string;
  /** `limit` is a size such as "5 MB", '' when the server did not say. */
  tooLarge: (limit: string) => string;
  typeNotAllowed: string;
  uploadFailed: string;
  retry: string;
}

const format = (lang: string, at: Date, options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(lang, options).format(at);
const time = (lang: string, at: Date) => format(lang, at, { hour: 'numeric', minute: '2-digit' });
const weekday = (lang: string, at: Date) => format(lang, at, { weekday: 'long' });

const en: Strings = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  sound: 'Sound',
  chat: 'Chat',
  messages: 'Messages',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  you: 'You',
  support: 'Support',
  sending: 'Sending…',
  sent: 'Sent',
  read: 'Read',
  failed: 'Not sent',
  reconnecting: 'Reconnecting…',
  unreachable: "We can't reach the chat right now. Leave a message and we'll reply by email.",
  tooLong: 'This message is too long.',
  unread: (n) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  typing: (name) => `${name} is typing…`,
  name: 'Name',
  email: 'Email',
  topic: 'Topic',
  choose: 'Choose…',
  startChat: 'Start chat',
  prechatIntro: 'Before we start, tell us a little about yourself.',
  leaveTitle: 'Leave a message',
  away: "We're away right now. Leave a message and we'll reply by email.",
  sendMessage: 'Send message',
  reopens: (d, at) =>
    `We open again ${d === 0 ? 'today' : d === 1 ? 'tomorrow' : `on ${d < 7 ? weekday('en', at) : format('en', at, { month: 'long', day: 'numeric' })}`} at ${time('en', at)}.`,
  thanks: (email) => `Thanks! We'll reply to you at ${email}.`,
  signInToChat: 'Sign in to the shop to chat with us.',
  required: 'Please fill in this field.',
  emailMissing: 'Please enter your email address.',
  emailInvalid: 'Please enter a valid email address, like name@example.com.',
  chooseTopic: 'Please choose a topic.',
  leaveFailed: 'Your message could not be sent. Please check your details and try again.',
  queue: (n, min) => `You are number ${n} in the queue.${min ? ` Estimated wait: about ${min} min.` : ''}`,
  chatEnded: 'The chat has ended.',
  startNewChat: 'Start a new chat',
  attachFile: 'Attach file',
  dropFiles: 'Drop files here to send them',
  uploading: (name) => `Uploading ${name}`,
  tooLarge: (limit) => `This file is too large to send${limit ? ` (at most ${limit})` : ''}.`,
  typeNotAllowed: 'This type of file cannot be sent.',
  uploadFailed: 'The file could not be uploaded.',
  retry: 'Retry',
};

const fi: Strings = {
  openChat: 'Avaa chat',
  closeChat: 'Sulje chat',
  sound: 'Ääni',
  chat: 'Chat',
  messages: 'Viestit',
  message: 'Viesti',
  placeholder: 'Kirjoita viesti…',
  send: 'Lähetä',
  you: 'Sinä',
  support: 'Asiakaspalvelu',
  sending: 'Lähetetään…',
  sent: 'Lähetetty',
  read: 'Luettu',
  failed: 'Ei lähetetty',
  reconnecting: 'Yhdistetään uudelleen…',
  unreachable: 'Emme juuri nyt saa yhteyttä chattiin. Jätä viesti, niin vastaamme sähköpostitse.',
  tooLong: 'Viesti on liian pitkä.',
  unread: (n) => (n === 1 ? '1 lukematon viesti' : `${n} lukematonta viestiä`),
  typing: (name) => `${name} kirjoittaa…`,
  name: 'Nimi',
  email: 'Sähköposti',
  topic: 'Aihe',
  choose: 'Valitse…',
  startChat: 'Aloita chat',
  prechatIntro: 'Kerro ensin vähän itsestäsi.',
  leaveTitle: 'Jätä viesti',
  away: 'Emme ole nyt paikalla. Jätä viesti, niin vastaamme sähköpostitse.',
  sendMessage: 'Lähetä viesti',
  // "maanantai" → "maanantaina" (essive), for every weekday.
  reopens: (d, at) =>
    `Palvelemme taas ${d === 0 ? 'tänään' : d === 1 ? 'huomenna' : d < 7 ? `${weekday('fi', at)}na` : format('fi', at, { day: 'numeric', month: 'numeric' })} klo ${time('fi', at)}.`,
  thanks: (email) => `Kiitos! Vastaamme sinulle osoitteeseen ${email}.`,
  signInToChat: 'Kirjaudu kauppaan sisään, niin voit keskustella kanssamme.',
  required: 'Täytä tämä kenttä.',
  emailMissing: 'Kirjoita sähköpostiosoitteesi.',
  emailInvalid: 'Tarkista sähköpostiosoite, esimerkiksi nimi@esimerkki.fi.',
  chooseTopic: 'Valitse aihe.',
  leaveFailed: 'Viestiä ei voitu lähettää. Tarkista tiedot ja yritä uudelleen.',
  queue: (n, min) => `Olet jonossa sijalla ${n}.${min ? ` Arvioitu odotusaika: noin ${min} min.` : ''}`,
  chatEnded: 'Chat on päättynyt.',
  startNewChat: 'Aloita uusi chat',
  attachFile: 'Liitä tiedosto',
  dropFiles: 'Pudota tiedostot tähän lähettääksesi ne',
  uploading: (name) => `Ladataan ${name}`,
  tooLarge: (limit) => `Tiedosto on liian suuri lähetettäväksi${limit ? ` (enintään ${limit})` : ''}.`,
  typeNotAllowed: 'Tämän tyyppistä tiedostoa ei voi lähettää.',
  uploadFailed: 'Tiedoston lataus epäonnistui.',
  retry: 'Yritä uudelleen',
};

const et: Strings = {
  openChat: 'Ava vestlus',
  closeChat: 'Sulge vestlus',
  sound: 'Heli',
  chat: 'Vestlus',
  messages: 'Sõnumid',
  message: 'Sõnum',
  placeholder: 'Kirjuta sõnum…',
  send: 'Saada',
  you: 'Sina',
  support: 'Klienditugi',
  sending: 'Saatmine…',
  sent: 'Saadetud',
  read: 'Loetud',
  failed: 'Saatmata',
  reconnecting: 'Ühenduse taastamine…',
  unreachable: 'Me ei saa praegu vestlusega ühendust. Jäta sõnum ja vastame e-posti teel.',
  tooLong: 'Sõnum on liiga pikk.',
  unread: (n) => (n === 1 ? '1 lugemata sõnum' : `${n} lugemata sõnumit`),
  typing: (name) => `${name} kirjutab…`,
  name: 'Nimi',
  email: 'E-post',
  topic: 'Teema',
  choose: 'Vali…',
  startChat: 'Alusta vestlust',
  prechatIntro: 'Enne alustamist räägi meile veidi endast.',
  leaveTitle: 'Jäta sõnum',
  away: 'Me ei ole praegu kohal. Jäta sõnum ja vastame e-posti teel.',
  sendMessage: 'Saada sõnum',
  // "esmaspäev" → "esmaspäeval", "reede" → "reedel" (adessive).
  reopens: (d, at) => {
    const w = weekday('et', at);
    const day = d === 0 ? 'täna' : d === 1 ? 'homme' : d < 7 ? w + (w.endsWith('e') ? 'l' : 'al') : format('et', at, { day: 'numeric', month: 'numeric' });
    return `Avame taas ${day} kell ${time('et', at)}.`;
  },
  thanks: (email) => `Aitäh! Vastame sulle aadressile ${email}.`,
  signInToChat: 'Logi poodi sisse, et meiega vestelda.',
  required: 'Täida see väli.',
  emailMissing: 'Sisesta oma e-posti aadress.',
  emailInvalid: 'Kontrolli e-posti aadressi, näiteks nimi@näide.ee.',
  chooseTopic: 'Vali teema.',
  leaveFailed: 'Sõnumit ei õnnestunud saata. Kontrolli andmeid ja proovi uuesti.',
  queue: (n, min) => `Oled järjekorras ${n}. kohal.${min ? ` Eeldatav ooteaeg: umbes ${min} min.` : ''}`,
  chatEnded: 'Vestlus on lõppenud.',
  startNewChat: 'Alusta uut vestlust',
  attachFile: 'Lisa fail',
  dropFiles: 'Lohista failid siia, et need saata',
  uploading: (name) => `Faili ${name} üleslaadimine`,
  tooLarge: (limit) => `Fail on saatmiseks liiga suur${limit ? ` (kuni ${limit})` : ''}.`,
  typeNotAllowed: 'Seda tüüpi faili ei saa saata.',
  uploadFailed: 'Faili üleslaadimine ebaõnnestus.',
  retry: 'Proovi uuesti',
};

const sv: Strings = {
  openChat: 'Öppna chatt',
  closeChat: 'Stäng chatt',
  sound: 'Ljud',
  chat: 'Chatt',
  messages: 'Meddelanden',
  message: 'Meddelande',
  placeholder: 'Skriv ett meddelande…',
  send: 'Skicka',
  you: 'Du',
  support: 'Kundtjänst',
  sending: 'Skickar…',
  sent: 'Skickat',
  read: 'Läst',
  failed: 'Inte skickat',
  reconnecting: 'Återansluter…',
  unreachable: 'Vi når inte chatten just nu. Lämna ett meddelande så svarar vi via e-post.',
  tooLong: 'Meddelandet är för långt.',
  unread: (n) => (n === 1 ? '1 oläst meddelande' : `${n} olästa meddelanden`),
  typing: (name) => `${name} skriver…`,
  name: 'Namn',
  email: 'E-post',
  topic: 'Ämne',
  choose: 'Välj…',
  startChat: 'Starta chatten',
  prechatIntro: 'Berätta lite om dig själv innan vi börjar.',
  leaveTitle: 'Lämna ett meddelande',
  away: 'Vi är inte här just nu. Lämna ett meddelande så svarar vi via e-post.',
  sendMessage: 'Skicka meddelande',
  reopens: (d, at) =>
    `Vi öppnar igen ${d === 0 ? 'i dag' : d === 1 ? 'i morgon' : d < 7 ? `på ${weekday('sv', at)}` : `den ${format('sv', at, { day: 'numeric', month: 'long' })}`} kl. ${time('sv', at)}.`,
  thanks: (email) => `Tack! Vi svarar dig på ${email}.`,
  signInToChat: 'Logga in i butiken för att chatta med oss.',
  required: 'Fyll i det här fältet.',
  emailMissing: 'Fyll i din e-postadress.',
  emailInvalid: 'Ange en giltig e-postadress, till exempel namn@exempel.se.',
  chooseTopic: 'Välj ett ämne.',
  leaveFailed: 'Meddelandet kunde inte skickas. Kontrollera uppgifterna och försök igen.',
  queue: (n, min) => `Du är nummer ${n} i kön.${min ? ` Beräknad väntetid: cirka ${min} min.` : ''}`,
  chatEnded: 'Chatten har avslutats.',
  startNewChat: 'Starta en ny chatt',
  attachFile: 'Bifoga fil',
  dropFiles: 'Släpp filer här för att skicka dem',
  uploading: (name) => `Laddar upp ${name}`,
  tooLarge: (limit) => `Filen är för stor för att skickas${limit ? ` (högst ${limit})` : ''}.`,
  typeNotAllowed: 'Den här typen av fil kan inte skickas.',
  uploadFailed: 'Filen kunde inte laddas upp.',
  retry: 'Försök igen',
};

const dictionaries: Record<string, Strings> = { en, fi, et, sv };

/** The first supported language among the page's and the browser's; else English. */
export function pickLanguage(pageLang: string | null | undefined, browserLangs: readonly string[]): string {
  for (const tag of [pageLang, ...browserLangs]) {
    const primary = (tag || '').trim().toLowerCase().split(/[-_]/)[0];
    if (primary && dictionaries[primary]) return primary;
    // The page's own language wins even if we do not speak it: then we use English
    // rather than guessing from the browser, so the widget matches the page around it.
    if (primary && tag === pageLang) return 'en';
  }
  return 'en';
}

export function stringsFor(lang: string): Strings {
  return dictionaries[lang] || en;
}
