// Changing a contact's name and e-mail (PATCH /contacts/{id}). The server checks the address;
// what it says is wrong is shown as it says it, and nothing changes.
import { useState } from 'preact/hooks';
import type { ContactPatch } from '../api';
import { errorText } from '../admin/errors';
import { useController, useT } from '../context';
import type { Contact } from '../types';

/** Only what the form changed; {} when nothing. */
function changes(contact: Contact, name: string, email: string): ContactPatch {
  const patch: ContactPatch = {};
  if (name.trim() !== contact.name) patch.name = name.trim();
  if (email.trim() !== contact.email) patch.email = email.trim();
  return patch;
}

export function ContactEditForm({ contact, onDone }: { contact: Contact; onDone: (saved: boolean) => void }) {
  const controller = useController();
  const t = useT();
  const [name, setName] = useState(contact.name);
  const [email, setEmail] = useState(contact.email);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const patch = changes(contact, name, email);
    if (Object.keys(patch).length === 0) return onDone(false);
    setSaving(true);
    setError(null);
    try {
      await controller.editContact(contact.id, patch);
      onDone(true);
    } catch (err) {
      setError(errorText(err, t));
      setSaving(false);
    }
  };

  // noValidate: the server's check of the address is the one that counts, and it says why.
  return (
    <form class="card form-stack" aria-labelledby="contact-edit-title" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="contact-edit-title">{t('editContact')}</h2>
      {error && <p class="callout callout-error" role="alert">{error}</p>}
      <label class="field">
        <span>{t('name')}</span>
        <input value={name} maxLength={200} autoFocus onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>{t('email')}</span>
        <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={saving}>{t('save')}</button>
        <button type="button" class="button" onClick={() => onDone(false)}>{t('cancel')}</button>
      </div>
    </form>
  );
}
