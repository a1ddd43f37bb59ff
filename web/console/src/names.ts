// Friendly names for anonymous visitors ("Blue Otter 12"): deterministic from the contact
// id, so every agent sees the same name for the same visitor, in their own language.
import type { Language } from './i18n';
import type { Contact, Id } from './types';

// Same order in every language: index i is the same colour or animal everywhere.
const COLOURS: Record<Language, string[]> = {
  en: ['Blue', 'Green', 'Red', 'Yellow', 'Violet', 'Turquoise', 'Orange', 'Brown', 'Golden', 'Grey'],
  fi: ['Sininen', 'Vihreä', 'Punainen', 'Keltainen', 'Violetti', 'Turkoosi', 'Oranssi', 'Ruskea', 'Kultainen', 'Harmaa'],
  et: ['Sinine', 'Roheline', 'Punane', 'Kollane', 'Violetne', 'Türkiissinine', 'Oranž', 'Pruun', 'Kuldne', 'Hall'],
  sv: ['Blå', 'Grön', 'Röd', 'Gul', 'Violett', 'Turkos', 'Orange', 'Brun', 'Gyllene', 'Grå'],
};
const ANIMALS: Record<Language, string[]> = {
  en: ['Otter', 'Fox', 'Owl', 'Bear', 'Deer', 'Seal', 'Hedgehog', 'Lynx', 'Squirrel', 'Whale'],
  fi: ['saukko', 'kettu', 'pöllö', 'karhu', 'peura', 'hylje', 'siili', 'ilves', 'orava', 'valas'],
  et: ['saarmas', 'rebane', 'öökull', 'karu', 'hirv', 'hüljes', 'siil', 'ilves', 'orav', 'vaal'],
  sv: ['utter', 'räv', 'uggla', 'björn', 'hjort', 'säl', 'igelkott', 'lo', 'ekorre', 'val'],
};

export function friendlyName(contactId: Id, language: Language): string {
  // A multiplicative hash spreads consecutive ids over different names.
  const hash = Math.imul(contactId ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  const colour = COLOURS[language][hash % 10];
  const animal = ANIMALS[language][(hash >>> 8) % 10];
  const number = ((hash >>> 16) % 90) + 10;
  return `${colour} ${animal} ${number}`;
}

export function contactName(contact: Pick<Contact, 'name'> | undefined, contactId: Id, language: Language): string {
  const name = contact?.name?.trim();
  return name || friendlyName(contactId, language);
}

/** One or two letters for an avatar. */
export function initials(name: string): string {
  const words = name.split(/\s+/).filter((w) => w && !/^\d+$/.test(w));
  return words.slice(0, 2).map((w) => w[0]!.toUpperCase()).join('') || '?';
}
