// The editing state shared by the master-detail admin pages (sites, teams): the records,
// which one is selected (or 'new'), the form, and saving / deleting with their messages.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../context';
import type { Id } from '../types';
import { errorText } from './errors';

export interface RecordEditorOptions<R extends { id: Id }, F> {
  load: () => Promise<{ items: R[] }>;
  blank: () => F;
  formOf: (record: R) => F;
  create: (form: F) => Promise<R>;
  update: (id: Id, form: F) => Promise<R>;
  remove: (id: Id) => Promise<unknown>;
  /** Order of the list (default: as loaded, new records last). */
  order?: (a: R, b: R) => number;
  /** Told of every new list, e.g. to keep other views' names current. */
  onList?: (records: R[]) => void;
}

export function useRecordEditor<R extends { id: Id }, F>(options: RecordEditorOptions<R, F>) {
  const t = useT();
  const [records, setRecords] = useState<R[] | null>(null);
  const [selected, setSelected] = useState<Id | 'new' | null>(null);
  const [form, setForm] = useState<F>(options.blank);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // Set once the person picks a record or starts a new one, so a list that loads later does
  // not replace what they are already typing.
  const chosen = useRef(false);

  const show = (list: R[]) => {
    const ordered = options.order ? [...list].sort(options.order) : list;
    setRecords(ordered);
    options.onList?.(ordered);
    return ordered;
  };

  const clearMessages = () => {
    setError(null);
    setStatus(null);
  };

  const select = (record: R) => {
    chosen.current = true;
    setSelected(record.id);
    setForm(options.formOf(record));
    clearMessages();
  };

  const startNew = () => {
    chosen.current = true;
    setSelected('new');
    setForm(options.blank());
    clearMessages();
  };

  useEffect(() => {
    options.load().then(
      ({ items }) => {
        const ordered = show(items);
        if (chosen.current) return;
        if (ordered.length) select(ordered[0]);
        else startNew();
      },
      (err) => setError(errorText(err, t)),
    );
  }, []);

  const isNew = selected === 'new' || selected === null;
  const current = records?.find((r) => r.id === selected);

  /** Creates or updates from the form; `problem` (checked first) refuses without a request. */
  const save = async (event: Event, problem?: string | null) => {
    event.preventDefault();
    clearMessages();
    if (problem) {
      setError(problem);
      return;
    }
    setSaving(true);
    try {
      const record = isNew ? await options.create(form) : await options.update(selected as Id, form);
      const others = (records ?? []).filter((r) => r.id !== record.id);
      show(isNew ? [...others, record] : (records ?? []).map((r) => (r.id === record.id ? record : r)));
      select(record);
      setStatus(t('saved'));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setSaving(false);
    }
  };

  /** Deletes the selected record after the person confirms `question`. */
  const remove = async (question: string) => {
    if (!current || !window.confirm(question)) return;
    try {
      await options.remove(current.id);
      const rest = show((records ?? []).filter((r) => r.id !== current.id));
      if (rest.length) select(rest[0]);
      else startNew();
    } catch (err) {
      setError(errorText(err, t));
    }
  };

  return { records, selected, current, isNew, form, setForm, error, setError, status, saving, select, startNew, save, remove };
}
