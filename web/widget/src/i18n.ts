// UI strings of the widget in every language it speaks. The language follows the shop's
// page (<html lang>), then the browser; anything else falls back to English.

export interface Strings {
  openChat: string;
  closeChat: string;
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
  tooLong: string;
  unread: (count: number) => string;
  typing: (name: string) => string;
}

const en: Strings = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
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
  tooLong: 'This message is too long.',
  unread: (n) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  typing: (name) => `${name} is typing…`,
};

const fi: Strings = {
  openChat: 'Avaa chat',
  closeChat: 'Sulje chat',
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
  tooLong: 'Viesti on liian pitkä.',
  unread: (n) => (n === 1 ? '1 lukematon viesti' : `${n} lukematonta viestiä`),
  typing: (name) => `${name} kirjoittaa…`,
};

const et: Strings = {
  openChat: 'Ava vestlus',
  closeChat: 'Sulge vestlus',
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
  tooLong: 'Sõnum on liiga pikk.',
  unread: (n) => (n === 1 ? '1 lugemata sõnum' : `${n} lugemata sõnumit`),
  typing: (name) => `${name} kirjutab…`,
};

const sv: Strings = {
  openChat: 'Öppna chatt',
  closeChat: 'Stäng chatt',
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
  tooLong: 'Meddelandet är för långt.',
  unread: (n) => (n === 1 ? '1 oläst meddelande' : `${n} olästa meddelanden`),
  typing: (name) => `${name} skriver…`,
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
