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

/** The URL when it is an absolute http(s) one, safe to link to; else null (show it as text). */
export function webUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function unit(value: number, name: 'second' | 'minute' | 'hour' | 'day', locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short' }).format(value);
  } catch {
    return `${value} ${name[0]}`;
  }
}

/** A length of time such as "45 sec", "3 min 12 sec" or "2 hr 5 min", in the agent's language. */
export function duration(ms: number, locale: string): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return unit(seconds, 'second', locale);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const rest = seconds % 60;
    return rest ? `${unit(minutes, 'minute', locale)} ${unit(rest, 'second', locale)}` : unit(minutes, 'minute', locale);
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;
    return rest ? `${unit(hours, 'hour', locale)} ${unit(rest, 'minute', locale)}` : unit(hours, 'hour', locale);
  }
  return unit(Math.floor(hours / 24), 'day', locale);
}

/** "Monday" … "Sunday" (index 0 is Monday, as in a site's weekly hours), capitalised. */
export function weekdayNames(locale: string): string[] {
  const format = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' });
  // 1 January 2024 was a Monday.
  return Array.from({ length: 7 }, (_, i) => {
    const name = format.format(new Date(Date.UTC(2024, 0, 1 + i)));
    return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
  });
}

/** An inbox row's preview: the last message's text, or what it was when it had none (a file). */
export function messagePreview(conversation: { last_message_preview: string; last_seq: number }, t: Translate): string {
  if (conversation.last_message_preview) return conversation.last_message_preview;
  return conversation.last_seq > 0 ? t('fileSent') : t('noMessagesYet');
}
