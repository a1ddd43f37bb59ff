// A site's business hours: time zone, "always open", the weekly intervals (Monday first) and
// dated exceptions (holidays: closed, or other hours). Outside them the widget offers the
// offline form.
import { useLocale, useT } from '../context';
import { weekdayNames } from '../format';
import type { Translate } from '../i18n';
import type { Hours, Interval } from '../types';

/** Offered in the time zone field; any other IANA name may be typed. */
const COMMON_TIME_ZONES = [
  'Europe/Helsinki', 'Europe/Tallinn', 'Europe/Stockholm', 'Europe/Riga', 'Europe/Vilnius', 'Europe/Oslo',
  'Europe/Copenhagen', 'Europe/Berlin', 'Europe/Amsterdam', 'Europe/Brussels', 'Europe/Paris', 'Europe/Madrid',
  'Europe/Rome', 'Europe/Vienna', 'Europe/Warsaw', 'Europe/Prague', 'Europe/Zurich', 'Europe/Dublin', 'Europe/London',
  'Europe/Lisbon', 'Europe/Athens', 'Europe/Istanbul', 'UTC', 'America/New_York', 'America/Chicago', 'America/Denver',
  'America/Los_Angeles', 'America/Toronto', 'America/Sao_Paulo', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Singapore',
  'Asia/Shanghai', 'Asia/Tokyo', 'Australia/Sydney', 'Pacific/Auckland',
];

const DEFAULT_INTERVAL: Interval = { open: '09:00', close: '17:00' };
const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** What a site without hours (or an older server) has: always open. */
export function defaultHours(): Hours {
  return { time_zone: browserTimeZone(), always_open: true, weekly: [[], [], [], [], [], [], []], exceptions: [] };
}

/**
 * The zone the form shows: the stored one, except the server's default (UTC) while the site is
 * always open, where the zone has no effect yet and was never chosen (the first start's site):
 * then the admin's own, which is saved with the form.
 */
function zoneOf(hours: Hours): string {
  const always = hours.always_open ?? true;
  if (!hours.time_zone || (always && hours.time_zone === 'UTC')) return browserTimeZone();
  return hours.time_zone;
}

/** The server's hours with every list present, so the editor can rely on them. */
export function normalizeHours(hours: Hours | undefined): Hours {
  if (!hours) return defaultHours();
  const weekly = Array.from({ length: 7 }, (_, i) => [...(hours.weekly?.[i] ?? [])]);
  return {
    time_zone: zoneOf(hours),
    always_open: hours.always_open ?? true,
    weekly,
    exceptions: (hours.exceptions ?? []).map((e) => ({ date: e.date, intervals: [...e.intervals] })),
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));

/** The first thing wrong with the hours, in words, or null when they can be saved. */
export function hoursProblem(hours: Hours, t: Translate, locale: string): string | null {
  const zone = hours.time_zone.trim();
  if (!zone || !isTimeZone(zone)) return t('invalidTimeZone', { zone });
  if (hours.always_open) return null;
  const days = weekdayNames(locale);
  const lists: [string, Interval[]][] = [
    ...hours.weekly.map((list, i): [string, Interval[]] => [days[i], list]),
    ...hours.exceptions.map((e, i): [string, Interval[]] => [e.date || t('exceptionN', { n: i + 1 }), e.intervals]),
  ];
  for (const [label, list] of lists) {
    for (const interval of list) {
      if (!TIME.test(interval.open) || !TIME.test(interval.close)) return t('invalidTime');
      if (minutes(interval.open) >= minutes(interval.close)) return t('invalidInterval', { day: label });
    }
    const sorted = [...list].sort((a, b) => minutes(a.open) - minutes(b.open));
    for (let i = 1; i < sorted.length; i++) {
      if (minutes(sorted[i].open) < minutes(sorted[i - 1].close)) return t('invalidOverlap', { day: label });
    }
  }
  if (hours.exceptions.some((e) => !/^\d{4}-\d{2}-\d{2}$/.test(e.date))) return t('invalidDate');
  return null;
}

/** The hours as the server takes them: trimmed zone. */
export function hoursForSave(hours: Hours): Hours {
  return { ...hours, time_zone: hours.time_zone.trim() };
}

function IntervalList({ label, intervals, onChange, canAdd = true }: {
  label: string;
  intervals: Interval[];
  onChange: (intervals: Interval[]) => void;
  canAdd?: boolean;
}) {
  const t = useT();
  const set = (index: number, change: Partial<Interval>) =>
    onChange(intervals.map((x, i) => (i === index ? { ...x, ...change } : x)));
  return (
    <div class="interval-list">
      {intervals.length === 0 && <span class="muted closed-label">{t('closedDay')}</span>}
      {intervals.map((interval, index) => (
        <span class="interval" key={index}>
          <TimeInput
            label={t('hoursOpens', { day: label, n: index + 1 })}
            placeholder="09:00"
            value={interval.open}
            onInput={(open) => set(index, { open })}
          />
          <span aria-hidden="true">–</span>
          <TimeInput
            label={t('hoursCloses', { day: label, n: index + 1 })}
            placeholder="17:00"
            value={interval.close}
            onInput={(close) => set(index, { close })}
          />
          <button
            type="button"
            class="button button-quiet button-small"
            aria-label={t('removeHours', { day: label, n: index + 1 })}
            title={t('removeHours', { day: label, n: index + 1 })}
            onClick={() => onChange(intervals.filter((_, i) => i !== index))}
          >
            <span aria-hidden="true">×</span>
          </button>
        </span>
      ))}
      {canAdd && (
        <button
          type="button"
          class="button button-quiet button-small"
          aria-label={t('addHours', { day: label })}
          title={t('addHours', { day: label })}
          onClick={() => {
            const last = intervals[intervals.length - 1];
            onChange([...intervals, last ? { open: last.close === '24:00' ? '23:00' : last.close, close: '24:00' } : DEFAULT_INTERVAL]);
          }}
        >
          <span aria-hidden="true">+</span>
        </button>
      )}
    </div>
  );
}

export function HoursEditor({ value, onChange }: { value: Hours; onChange: (hours: Hours) => void }) {
  const t = useT();
  const locale = useLocale();
  const days = weekdayNames(locale);

  const setAlwaysOpen = (alwaysOpen: boolean) => {
    // Closing "always open" with nothing set starts from office hours on weekdays.
    const empty = value.weekly.every((list) => list.length === 0);
    const weekly = !alwaysOpen && empty
      ? value.weekly.map((_, i) => (i < 5 ? [{ ...DEFAULT_INTERVAL }] : []))
      : value.weekly;
    onChange({ ...value, always_open: alwaysOpen, weekly });
  };

  const setException = (index: number, change: Partial<Hours['exceptions'][number]>) =>
    onChange({ ...value, exceptions: value.exceptions.map((x, i) => (i === index ? { ...x, ...change } : x)) });

  return (
    <fieldset class="fieldset hours-editor">
      <legend>{t('businessHours')}</legend>
      <p class="muted small">{t('hoursHelp')}</p>
      <div class="field">
        <label for="site-time-zone">{t('timeZone')}</label>
        <input
          id="site-time-zone"
          list="time-zones"
          autoComplete="off"
          spellcheck={false}
          value={value.time_zone}
          onInput={(e) => onChange({ ...value, time_zone: e.currentTarget.value })}
        />
        <datalist id="time-zones">
          {COMMON_TIME_ZONES.map((zone) => <option key={zone} value={zone} />)}
        </datalist>
      </div>
      <label class="check">
        <input type="checkbox" checked={value.always_open} onChange={(e) => setAlwaysOpen(e.currentTarget.checked)} />
        <span>{t('alwaysOpen')}</span>
      </label>
      {!value.always_open && (
        <>
          <table class="hours-table">
            <tbody>
              {days.map((day, i) => (
                <tr key={i}>
                  <th scope="row">{day}</th>
                  <td>
                    <IntervalList
                      label={day}
                      intervals={value.weekly[i]}
                      onChange={(list) => onChange({ ...value, weekly: value.weekly.map((x, j) => (j === i ? list : x)) })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="exceptions">
            <h3>{t('exceptions')}</h3>
            <p class="muted small">{t('exceptionsHelp')}</p>
            {value.exceptions.map((exception, index) => {
              const label = t('exceptionN', { n: index + 1 });
              const closed = exception.intervals.length === 0;
              return (
                <div class="exception-row" key={index}>
                  <input
                    type="date"
                    aria-label={t('exceptionDate', { n: index + 1 })}
                    value={exception.date}
                    onInput={(e) => setException(index, { date: e.currentTarget.value })}
                  />
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={closed}
                      aria-label={t('exceptionClosed', { n: index + 1 })}
                      onChange={(e) => setException(index, { intervals: e.currentTarget.checked ? [] : [{ ...DEFAULT_INTERVAL }] })}
                    />
                    <span aria-hidden="true">{t('closedDay')}</span>
                  </label>
                  {!closed && (
                    <IntervalList label={label} intervals={exception.intervals} onChange={(list) => setException(index, { intervals: list })} />
                  )}
                  <button
                    type="button"
                    class="button button-quiet button-small push-right"
                    onClick={() => onChange({ ...value, exceptions: value.exceptions.filter((_, i) => i !== index) })}
                  >
                    {t('removeException', { n: index + 1 })}
                  </button>
                </div>
              );
            })}
            <button
              type="button"
              class="button button-quiet"
              onClick={() => onChange({ ...value, exceptions: [...value.exceptions, { date: '', intervals: [] }] })}
            >
              <span aria-hidden="true">+</span> {t('addException')}
            </button>
          </div>
        </>
      )}
    </fieldset>
  );
}

/** One "HH:MM" field of an opening interval. */
function TimeInput({ label, placeholder, value, onInput }: {
  label: string; placeholder: string; value: string; onInput: (value: string) => void;
}) {
  return (
    <input
      class="time-input"
      inputMode="numeric"
      placeholder={placeholder}
      maxLength={5}
      aria-label={label}
      value={value}
      onInput={(e) => onInput(e.currentTarget.value.trim())}
    />
  );
}
