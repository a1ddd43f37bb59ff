// The agent's own settings: language, desktop notifications, sound, password and workspaces.
import { useState } from 'preact/hooks';
import { useController, useSelect, useT } from '../context';
import { LANGUAGE_NAMES, LANGUAGES, isLanguage } from '../i18n';
import { ChangePasswordForm } from './ChangePasswordForm';
import { WorkspacesCard } from './WorkspacesCard';
import { beep, notificationSupport, requestNotificationPermission, type NotificationSupport } from '../notify';

export function SettingsPage() {
  const controller = useController();
  const t = useT();
  const settings = useSelect((s) => s.settings);
  const [permission, setPermission] = useState<NotificationSupport>(notificationSupport());

  const ask = async () => setPermission(await requestNotificationPermission());

  const toggleDesktop = (enabled: boolean) => {
    controller.updateSettings({ desktopNotifications: enabled });
    // Turning it on is a click: the moment browsers allow asking.
    if (enabled && permission === 'default') void ask();
  };

  return (
    <main id="main" class="page page-narrow">
      <h1>{t('settings')}</h1>
      <div class="card form-stack">
        <div class="field">
          <label for="settings-language">{t('language')}</label>
          <select
            id="settings-language"
            value={settings.language}
            onChange={(e) => {
              const value = e.currentTarget.value;
              if (isLanguage(value)) controller.updateSettings({ language: value });
            }}
          >
            {LANGUAGES.map((lang) => <option key={lang} value={lang} lang={lang}>{LANGUAGE_NAMES[lang]}</option>)}
          </select>
        </div>

        <fieldset class="fieldset">
          <legend>{t('desktopNotifications')}</legend>
          <p class="muted small" id="notifications-help">{t('notificationsHelp')}</p>
          <label class="check">
            <input
              type="checkbox"
              checked={settings.desktopNotifications}
              aria-describedby="notifications-help"
              onChange={(e) => toggleDesktop(e.currentTarget.checked)}
            />
            <span>{t('desktopNotifications')}</span>
          </label>
          {settings.desktopNotifications && permission === 'default' && (
            <button type="button" class="button" onClick={() => void ask()}>{t('allowNotifications')}</button>
          )}
          {settings.desktopNotifications && permission === 'denied' && <p class="callout callout-info">{t('notificationsBlocked')}</p>}
          {permission === 'unsupported' && <p class="callout callout-info">{t('notificationsUnsupported')}</p>}
          <label class="check">
            <input
              type="checkbox"
              checked={settings.sound}
              onChange={(e) => controller.updateSettings({ sound: e.currentTarget.checked })}
            />
            <span>{t('sound')}</span>
          </label>
          <button type="button" class="button button-small" onClick={() => beep()}>{t('testSound')}</button>
        </fieldset>
      </div>
      <ChangePasswordForm />
      <WorkspacesCard />
    </main>
  );
}
