// A contact's conversations (each opens in the inbox, live status) and the pages they viewed,
// on the contact's page. Page addresses are shown as text; only http(s) ones are links.
import { useController, useLocale, useSelect, useT } from '../context';
import { dateTime, messagePreview, webUrl } from '../format';
import type { ContactHistory } from '../state';
import type { PageView } from '../types';
import { StatusPill } from './StatusPill';

export function ContactConversations({ history }: { history: ContactHistory }) {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  const live = useSelect((s) => s.conversations);
  const conversations = history.conversations.map((c) => live[c.id] ?? c);

  return (
    <section class="card form-stack" aria-labelledby="contact-conversations-title">
      <h2 id="contact-conversations-title">{t('conversations')}</h2>
      {conversations.length === 0 && <p class="muted">{t('noConversations')}</p>}
      <ul class="past-conversations">
        {conversations.map((c) => (
          <li key={c.id}>
            <button type="button" class="past-conversation" onClick={() => controller.openInInbox(c)}>
              <span class="past-head">
                <StatusPill status={c.status} />
                <time class="past-date" dateTime={new Date(c.updated_at).toISOString()}>
                  {dateTime(c.last_message_at || c.updated_at, locale)}
                </time>
              </span>
              <span class="past-preview">{messagePreview(c, t)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PageViewRow({ view }: { view: PageView }) {
  const locale = useLocale();
  const link = webUrl(view.url);
  const title = view.title || view.url;
  return (
    <tr>
      <td class="cell-clip">{link ? <a href={link} target="_blank" rel="noopener noreferrer">{title}</a> : title}</td>
      <td class="page-url-text">{view.url}</td>
      <td class="page-view-time"><time dateTime={new Date(view.at).toISOString()}>{dateTime(view.at, locale)}</time></td>
    </tr>
  );
}

export function ContactPageViews({ history }: { history: ContactHistory }) {
  const t = useT();
  return (
    <section class="card form-stack" aria-labelledby="contact-pages-title">
      <h2 id="contact-pages-title">{t('pagesVisited')}</h2>
      {history.pageViews.length === 0 ? (
        <p class="muted">{t('noPages')}</p>
      ) : (
        <div class="table-scroll">
          <table class="table">
            <thead>
              <tr><th scope="col">{t('pageColumn')}</th><th scope="col">{t('addressColumn')}</th><th scope="col">{t('viewedColumn')}</th></tr>
            </thead>
            <tbody>
              {history.pageViews.map((view) => <PageViewRow key={`${view.at}-${view.url}`} view={view} />)}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
