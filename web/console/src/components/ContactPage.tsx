// One contact: name, e-mail and what is known of them, every conversation, the pages they
// viewed, and an Edit form for the name and e-mail (GET and PATCH /contacts/{id}).
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useController, useLocale, useSelect, useT } from '../context';
import { dateTime } from '../format';
import { contactName, initials } from '../names';
import { VerifiedBadge } from './VerifiedBadge';
import type { Contact, Id } from '../types';
import { ContactConversations, ContactPageViews } from './ContactHistory';
import { ContactEditForm } from './ContactEditForm';
import { LoadError } from './LoadError';

function ContactFacts({ contact }: { contact: Contact }) {
  const t = useT();
  const locale = useLocale();
  const attributes = Object.entries(contact.attributes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section class="card form-stack" aria-labelledby="contact-facts-title">
      <h2 id="contact-facts-title">{t('attributes')}</h2>
      <dl class="facts">
        {contact.first_seen > 0 && <><dt>{t('firstSeen')}</dt><dd>{dateTime(contact.first_seen, locale)}</dd></>}
        {contact.last_seen > 0 && <><dt>{t('lastSeen')}</dt><dd>{dateTime(contact.last_seen, locale)}</dd></>}
        <dt>{t('visits')}</dt>
        <dd>{contact.visits}</dd>
        {attributes.map(([key, value]) => (
          <Fragment key={key}>
            <dt>{key}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

export function ContactPage({ id }: { id: Id }) {
  const controller = useController();
  const t = useT();
  const language = useSelect((s) => s.settings.language);
  const contact = useSelect((s) => s.contacts[id]);
  const history = useSelect((s) => s.contactHistory[id]);
  const [problem, setProblem] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);

  const load = () => {
    setProblem(null);
    void controller.loadContact(id, { force: true }).then(setProblem);
  };
  useEffect(load, [id]);

  const doneEditing = (didSave: boolean) => {
    setEditing(false);
    setSaved(didSave);
    setTimeout(() => editButton.current?.focus());
  };

  const back = <a class="back-link" href="#/contacts">← {t('allContacts')}</a>;
  if (problem instanceof ApiError && problem.status === 404) {
    return <main id="main" class="page page-narrow">{back}<p class="callout callout-info">{t('contactNotFound')}</p></main>;
  }
  const name = contactName(contact, id, language);

  return (
    <main id="main" class="page contact-page">
      {back}
      {problem !== null && <LoadError error={problem} onRetry={load} />}
      {!contact || !history ? (
        problem === null && <p class="empty-note" role="status">{t('loading')}</p>
      ) : (
        <>
          <div class="contact-head">
            <span class="avatar avatar-large" aria-hidden="true">{initials(name)}</span>
            <div class="contact-title">
              <h1>{name}</h1>
              <VerifiedBadge verified={contact.verified} />
              {contact.external_id && (
                <span class="muted small">{t('externalId')}: <code>{contact.external_id}</code></span>
              )}
              {contact.email && <a href={`mailto:${contact.email}`}>{contact.email}</a>}
            </div>
            <span class="muted push-right" role="status">{saved ? t('saved') : ''}</span>
            {!editing && (
              <button type="button" ref={editButton} class="button" onClick={() => { setSaved(false); setEditing(true); }}>
                {t('editContact')}
              </button>
            )}
          </div>
          <div class="contact-layout">
            <div class="detail">
              {editing && <ContactEditForm contact={contact} onDone={doneEditing} />}
              <ContactFacts contact={contact} />
            </div>
            <div class="detail">
              <ContactConversations history={history} />
              <ContactPageViews history={history} />
            </div>
          </div>
        </>
      )}
    </main>
  );
}
