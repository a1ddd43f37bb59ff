// Admin: the workspace's sites (where the widget may run), their texts in each language, how
// their chats are routed, their business hours and pre-chat form, and their embed snippets.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useController, useLocale, useT } from '../context';
import type { Hours, Prechat, Routing, Site, SiteTranslation } from '../types';
import { ErrorCallout } from './ErrorCallout';
import { FormActions } from './FormActions';
import { HoursEditor, defaultHours, hoursForSave, hoursProblem, normalizeHours } from './HoursEditor';
import { IdentityCard } from './IdentityCard';
import { ItemList } from './ItemList';
import { PrechatEditor, defaultPrechat, normalizePrechat } from './PrechatEditor';
import { TranslationsEditor } from './TranslationsEditor';
import { errorText } from './errors';
import { normalizeTranslations, siteTextsProblem, translationsForSave } from './siteTexts';
import { useRecordEditor } from './useRecordEditor';

interface SiteForm {
  name: string;
  origins: string[];
  color: string;
  greeting: string;
  offline_message: string;
  translations: SiteTranslation[];
  routing: Routing;
  hours: Hours;
  prechat: Prechat;
}

function newSite(): SiteForm {
  return {
    name: '', origins: [''], color: '#2b6cb0', greeting: '', offline_message: '', translations: [], routing: 'auto',
    hours: defaultHours(), prechat: defaultPrechat(),
  };
}

function formOf(site: Site): SiteForm {
  return {
    name: site.name,
    origins: site.allowed_origins.length ? [...site.allowed_origins] : [''],
    color: site.color || '#2b6cb0',
    greeting: site.greeting,
    offline_message: site.offline_message ?? '',
    translations: normalizeTranslations(site.translations),
    routing: site.routing ?? 'auto',
    hours: normalizeHours(site.hours),
    prechat: normalizePrechat(site.prechat),
  };
}

function siteInput(form: SiteForm) {
  return {
    name: form.name.trim(),
    allowed_origins: form.origins.map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean),
    color: form.color,
    greeting: form.greeting,
    offline_message: form.offline_message,
    translations: translationsForSave(form.translations),
    routing: form.routing,
    hours: hoursForSave(form.hours),
    prechat: { ...form.prechat, question: { ...form.prechat.question, label: form.prechat.question.label.trim() } },
  };
}

export function SitesPage() {
  const controller = useController();
  const t = useT();
  const locale = useLocale();
  const editor = useRecordEditor<Site, SiteForm>({
    load: () => controller.api.sites(),
    blank: newSite,
    formOf,
    create: (form) => controller.api.createSite(siteInput(form)),
    update: (id, form) => controller.api.updateSite(id, siteInput(form)),
    remove: (id) => controller.api.deleteSite(id),
  });
  const { records: sites, selected, current, form, setForm, error, select, startNew } = editor;
  const save = (event: Event) => editor.save(event, siteTextsProblem(form, t) ?? hoursProblem(form.hours, t, locale));
  const remove = () => editor.remove(t('confirmDeleteSite', { name: current?.name ?? '' }));

  const setOrigin = (index: number, value: string) =>
    setForm((f) => ({ ...f, origins: f.origins.map((o, i) => (i === index ? value : o)) }));
  const removeOrigin = (index: number) =>
    setForm((f) => ({ ...f, origins: f.origins.length > 1 ? f.origins.filter((_, i) => i !== index) : [''] }));

  return (
    <main id="main" class="page admin-page">
      <div class="page-head">
        <h1>{t('sites')}</h1>
        <button type="button" class="button" onClick={startNew}>{t('newSite')}</button>
      </div>
      <div class="master-detail">
        <ItemList label={t('sites')} items={sites} failed={!!error} emptyText={t('noSites')} selected={selected} onSelect={select}>
          {(site) => (
            <>
              <span class="swatch" style={{ background: site.color }} aria-hidden="true" />
              <span class="item-text">
                <span class="item-title">{site.name}</span>
                <span class="item-sub">{site.allowed_origins.join(', ')}</span>
              </span>
            </>
          )}
        </ItemList>

        <div class="detail">
          <form class="card site-form" onSubmit={save} aria-labelledby="site-form-title">
            <h2 id="site-form-title">{selected === 'new' || !current ? t('newSite') : t('editSite', { name: current.name })}</h2>
            <ErrorCallout message={error} />
            <label class="field">
              <span>{t('name')}</span>
              <input value={form.name} required maxLength={200} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
            </label>
            <div class="field">
              <label for="site-color">{t('color')}</label>
              <div class="color-row">
                <input id="site-color" type="color" value={form.color} onInput={(e) => setForm({ ...form, color: e.currentTarget.value })} />
                <code>{form.color}</code>
              </div>
            </div>
            <fieldset class="fieldset">
              <legend>{t('allowedOrigins')}</legend>
              <p class="muted small">{t('originsHelp')}</p>
              {form.origins.map((origin, index) => (
                <div class="origin-row" key={index}>
                  <input
                    type="url"
                    aria-label={t('originN', { n: index + 1 })}
                    placeholder="https://shop.example"
                    value={origin}
                    onInput={(e) => setOrigin(index, e.currentTarget.value)}
                  />
                  <button type="button" class="button button-quiet" aria-label={t('removeOrigin', { n: index + 1 })} onClick={() => removeOrigin(index)}>
                    <span aria-hidden="true">×</span>
                  </button>
                </div>
              ))}
              <button type="button" class="button button-quiet" onClick={() => setForm({ ...form, origins: [...form.origins, ''] })}>
                <span aria-hidden="true">+</span> {t('addOrigin')}
              </button>
            </fieldset>
            <div class="field">
              <label for="site-routing">{t('routing')}</label>
              <select
                id="site-routing"
                aria-describedby="site-routing-help"
                value={form.routing}
                onChange={(e) => setForm({ ...form, routing: e.currentTarget.value as Routing })}
              >
                <option value="auto">{t('routingAuto')}</option>
                <option value="manual">{t('routingManual')}</option>
              </select>
              <small id="site-routing-help" class="muted">{t('routingHelp')}</small>
            </div>
            <label class="field">
              <span>{t('greeting')}</span>
              <textarea rows={3} value={form.greeting} onInput={(e) => setForm({ ...form, greeting: e.currentTarget.value })} />
            </label>
            <div class="field">
              <label for="site-offline-message">{t('offlineMessage')}</label>
              <textarea
                id="site-offline-message"
                rows={3}
                aria-describedby="site-offline-message-help"
                value={form.offline_message}
                onInput={(e) => setForm({ ...form, offline_message: e.currentTarget.value })}
              />
              <small id="site-offline-message-help" class="muted">{t('offlineMessageHelp')}</small>
            </div>
            <TranslationsEditor value={form.translations} defaults={form} onChange={(translations) => setForm((f) => ({ ...f, translations }))} />
            <HoursEditor value={form.hours} onChange={(hours) => setForm((f) => ({ ...f, hours }))} />
            <PrechatEditor value={form.prechat} onChange={(prechat) => setForm((f) => ({ ...f, prechat }))} />
            <FormActions editor={editor} createLabel={t('createSite')} deleteLabel={t('deleteSite')} onDelete={remove} />
          </form>
          {current && <SnippetCard site={current} />}
          {current && <IdentityCard site={current} />}
        </div>
      </div>
    </main>
  );
}

function SnippetCard({ site }: { site: Site }) {
  const controller = useController();
  const t = useT();
  const [snippet, setSnippet] = useState('');
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fieldRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    setSnippet('');
    setCopied(false);
    controller.api.snippet(site.id).then(({ snippet }) => setSnippet(snippet), (err) => setError(errorText(err, t)));
  }, [site.id, site.key]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(snippet);
    } catch {
      // No clipboard API (plain http, or permission refused): copy the selection instead.
      fieldRef.current?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };

  return (
    <section class="card form-stack" aria-labelledby="snippet-title">
      <h2 id="snippet-title">{t('embedCode')}</h2>
      <p class="muted small" id="snippet-help">{t('snippetHelp')}</p>
      {error && <p class="callout callout-error" role="alert">{error}</p>}
      <label class="visually-hidden" for="snippet-field">{t('embedCode')}</label>
      <textarea
        id="snippet-field"
        ref={fieldRef}
        class="code-field"
        readOnly
        rows={2}
        value={snippet}
        aria-describedby="snippet-help"
        onFocus={(e) => e.currentTarget.select()}
      />
      <div class="form-actions">
        <button type="button" class="button" disabled={!snippet} onClick={() => void copy()}>{t('copy')}</button>
        <span class="muted" role="status">{copied ? t('copied') : ''}</span>
        <span class="muted small push-right">{t('siteKey')}: <code>{site.key}</code></span>
      </div>
    </section>
  );
}
