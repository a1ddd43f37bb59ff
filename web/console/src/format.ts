// Dates, times and other small formatting helpers.
import type { Translate } from './i18n';

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "14:05" today, "Yesterday" or a short date for older times (inbox rows). */
export function shortTime(ms: number, locale: string, t: Translate, now = new Date()): string {
  if (!ms) return '';
  const date = new Date(ms);
  if (sameDay(date, now)) return clockTime(ms, locale);
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return t('yesterday');
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(date);
}

export function clockTime(ms: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(new Date(ms));
}

/** "Today", "Yesterday" or a full date: the separators between days in a conversation. */
export function dayLabel(ms: number, locale: string, t: Translate, now = new Date()): string {
  const date = new Date(ms);
  if (sameDay(date, now)) return t('today');
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return t('yesterday');
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date);
}

export function dateTime(ms: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
}

/** The time now in another time zone, or null when the zone is unknown to this browser. */
export function timeInZone(timeZone: string, locale: string, now = new Date()): string | null {
  try {
    return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', weekday: 'short', timeZone }).format(now);
  } catch {
    return null;
  }
}

/** A language tag such as "fi-FI" as "Finnish (Finland)" in the agent's language. */
export function languageName(tag: string, locale: string): string {
  try {
    const names = new Intl.DisplayNames([locale], { type: 'language' });
    return names.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** A URL without its scheme, for showing in narrow places. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.host + (u.pathname === '/' ? '' : u.pathname) + u.search;
  } catch {
    return url;
  }
}
