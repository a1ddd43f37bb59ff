// Juttu chat widget — bundled to /widget.js (scripts/build-web).
//
// Install with one tag; the server's address comes from the tag's own src:
//   <script src="https://chat.example/widget.js" data-site="SITE_KEY" async></script>
//
// Page API on window.Juttu:
//   Juttu.open() / Juttu.close()                       show / hide the chat panel
//   Juttu.identify({name, email})                      tell the agents who the visitor is
//   Juttu.identify({token}) or ({user_id, user_hash})  the shop's signed customer (docs/identity.md)
//   Juttu.setAttributes({cart_total: '59.90 EUR'})     string values; null removes a key
//   Juttu.on('message', fn)                            fn({body, author:{kind,name}, created_at, seq})
//   Juttu.on('identity_refused', fn)                   fn({code, message}): identify() again, freshly signed
//                                                      for every new message; returns an unsubscribe
// To call these before widget.js has loaded, put this stub before your calls; the widget
// replays the queued calls in order when it starts:
//   window.Juttu=window.Juttu||{q:[]};['open','close','identify','setAttributes','on'].forEach(function(m){Juttu[m]=Juttu[m]||function(){Juttu.q.push([m].concat([].slice.call(arguments)))}});
//
// Before the visitor opens the chat the widget makes exactly one request: its WebSocket.
import { FileInfo, humanSize, safeUrl } from '../../shared/uploads';
import { ChatClient } from './chat';
import { pickLanguage, stringsFor } from './i18n';
import { alreadyLoaded, cleanAttributes, IdentityRefusal, identityOf, installPageApi, MessageEvent } from './page-api';
import { Chime } from './sound';
import { SiteStorage } from './storage';
import { ChatItem } from './store';
import { PanelMode, WidgetView } from './view';

/** Midnight of `at`'s day in the visitor's time zone. */
const dayStart = (at: Date) => new Date(at.getFullYear(), at.getMonth(), at.getDate()).getTime();

function isWidgetScript(script: HTMLScriptElement | null): script is HTMLScriptElement {
  if (!script || !script.src || !script.dataset.site) return false;
  try {
    return new URL(script.src).pathname.endsWith('/widget.js');
  } catch {
    return false;
  }
}

/** Our own <script> tag: the current one, else the first that looks like ours. */
function findOwnScript(): HTMLScriptElement | null {
  const current = document.currentScript as HTMLScriptElement | null;
  if (isWidgetScript(current)) return current;
  const scripts = Array.from(document.querySelectorAll<HTMLScriptElement>('script[data-site]'));
  return scripts.find(isWidgetScript) || null;
}

/** ws(s)://host/ws next to widget.js (so a path prefix behind a proxy works too). */
function socketUrl(scriptSrc: string): string {
  const url = new URL('ws', scriptSrc);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.href;
}

/** A stored file with its URLs made absolute on the Juttu server; null if they are not http(s). */
function served(file: FileInfo, server: string): FileInfo | null {
  const url = safeUrl(file.url, server);
  if (!url) return null;
  const thumbnail = safeUrl(file.thumbnail_url, server);
  return { ...file, url, thumbnail_url: thumbnail || undefined };
}

/** Adds the page's listener; returns the function that removes it. */
function subscribe<T>(listeners: Set<(value: T) => void>, listener: (value: T) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Calls the page's listeners; one that throws does not stop the others. */
function tell<T>(listeners: Set<(value: T) => void>, value: T): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (error) {
      console.error('Juttu:', error);
    }
  }
}

function start(script: HTMLScriptElement): void {
  const siteKey = script.dataset.site!;
  const lang = pickLanguage(document.documentElement.lang, navigator.languages || [navigator.language]);
  const t = stringsFor(lang);
  const listeners = new Set<(message: MessageEvent) => void>();
  const identityListeners = new Set<(refusal: IdentityRefusal) => void>();

  const storage = new SiteStorage(`juttu:${siteKey}:`);
  const chime = new Chime(storage);
  const view: WidgetView = new WidgetView(t, lang, {
    onOpen: () => openPanel(true),
    onClose: () => closePanel(),
    onSend: (body) => chat.send(body),
    onComposing: (text) => chat.composing(text),
    onLeave: (name, email, body) => chat.leaveMessage(name, email, body),
    onStartChat: (answers) => chat.startChat(answers),
    onStartNew: () => chat.startNew(),
    soundOn: () => chime.enabled,
    onSound: (on) => {
      chime.enabled = on;
    },
    onAttach: (files) => files.forEach((file) => chat.attach(file)),
    onRetry: (key) => chat.retry(key),
  });

  const chat: ChatClient = new ChatClient(
    {
      wsUrl: socketUrl(script.src),
      siteKey,
      uploadUrl: new URL('api/v1/files', script.src).href,
      storage,
      isReading: () => view.isOpen && document.visibilityState === 'visible',
    },
    {
      onChange: render,
      onSite: (site) => view.setSite(site),
      onState: layout,
      onLeaveFailed: (message) => view.leaveFailed(message.leave!.name, message.leave!.email, message.body),
      onReconnecting: (reconnecting) => view.setReconnecting(reconnecting),
      onUnreachable: (unreachable) => {
        view.setUnreachable(unreachable);
        layout();
      },
      onTyping: (names) => view.setTyping(names.map((name) => name || t.support)),
      onNewMessage: (item) => announce(item),
      onRefused: () => {
        console.warn('Juttu: the server refused this site or page origin; the chat is disabled.');
        view.host.remove();
      },
      onIdentityRefused: (code, message) => tell(identityListeners, { code, message }),
    },
  );

  function render(): void {
    const store = chat.store;
    view.render(
      store.list().map((item) => ({
        key: item.key,
        own: item.own,
        authorName: item.own ? '' : item.author.name || t.support,
        body: item.body,
        createdAt: item.createdAt,
        delivery: store.delivery(item),
        attachments: attachmentsOf(item),
        upload: uploadOf(item),
        problem: problemOf(item),
        canRetry: item.problem === 'failed',
      })),
    );
    view.setUnread(view.isOpen ? 0 : store.unreadCount(chat.currentConversation));
  }

  function attachmentsOf(item: ChatItem): FileInfo[] {
    const stored = item.attachments.length ? item.attachments : item.out && item.out.file && item.out.file.stored ? [item.out.file.stored] : [];
    return stored.map((file) => served(file, script.src)).filter((file): file is FileInfo => !!file);
  }

  function uploadOf(item: ChatItem): { name: string; size: number; progress: number } | undefined {
    const file = item.out && item.out.file;
    const progress = chat.uploadProgress(item.clientId);
    return file && !file.stored && !item.failed && progress !== undefined ? { name: file.name, size: file.size, progress } : undefined;
  }

  function problemOf(item: ChatItem): string | undefined {
    const name = item.out && item.out.file ? `${item.out.file.name}: ` : '';
    if (item.problem === 'too_large') return name + t.tooLarge(item.maxBytes ? humanSize(item.maxBytes, lang) : '');
    if (item.problem === 'type_not_allowed') return name + t.typeNotAllowed;
    if (item.problem === 'failed') return name + t.uploadFailed;
    return undefined;
  }

  /** Composer, offline form or pre-chat form; the queue place; the offline confirmation. */
  function layout(): void {
    const availability = chat.availability;
    const prechat = chat.prechat;
    // A pre-chat form with nothing to ask is no form.
    const asks =
      !!prechat &&
      prechat.enabled &&
      ((['name', 'email'] as const).some((f) => prechat[f] !== 'off') ||
        (prechat.team !== 'off' && chat.teams.length > 0) ||
        !!(prechat.question && prechat.question.label));
    let mode: PanelMode = 'chat';
    // Before the first welcome nothing is known: the composer, as always.
    if (availability && !chat.active) {
      if (chat.leaving) mode = 'none';
      else if (chat.ended) mode = 'ended';
      else if (!availability.online) mode = 'offline';
      else if (asks && !chat.prechatDone) mode = 'prechat';
    }
    // Nothing reaches the server: a message left now is sent once it does (the outbox).
    if (chat.unreachable && !chat.active && !chat.leaving) mode = 'offline';
    if (prechat && asks) {
      const { name, email, team, question } = prechat;
      view.setPrechat({ name, email, team, question: question || null, teams: chat.teams });
    }
    view.setKnown(chat.contact.name, chat.contact.email);
    const opensAt = availability && !availability.online && availability.reason === 'outside_hours' ? availability.next_opening_at : null;
    if (opensAt) {
      const at = new Date(opensAt);
      view.setReopens(t.reopens(Math.max(0, Math.round((dayStart(at) - dayStart(new Date())) / 864e5)), at));
    } else {
      view.setReopens('');
    }
    view.setMode(mode);
    view.setAssignee(chat.assigneeName);
    const place = chat.queue;
    const wait = place && place.estimated_wait_s ? Math.ceil(place.estimated_wait_s / 60) : 0;
    view.setQueue(place && place.position > 0 ? t.queue(place.position, wait) : '');
    view.setNotice(chat.identityRequired ? t.signInToChat : chat.leftEmail ? t.thanks(chat.leftEmail) : '');
  }

  function announce(item: ChatItem): void {
    // A chime for an agent's message the visitor is not looking at.
    const watching = view.isOpen && document.visibilityState === 'visible';
    if (item.author.kind === 'agent' && !watching) chime.play();
    const event: MessageEvent = {
      body: item.body,
      author: { kind: item.author.kind, name: item.author.name || '' },
      created_at: item.createdAt,
      seq: item.seq!,
    };
    tell(listeners, event);
  }

  function openPanel(focus: boolean): void {
    view.open(focus);
    chat.checkAlive();
    chat.markRead();
    render();
  }

  function closePanel(): void {
    view.close();
    render();
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    chat.checkAlive();
    chat.markRead();
  });

  view.mount();
  installPageApi({
    open: () => openPanel(true),
    close: () => closePanel(),
    identify: (person) => {
      const identity = identityOf(person);
      if (identity) chat.setIdentity(identity);
      const frame: { name?: string; email?: string } = {};
      if (person && typeof person.name === 'string') frame.name = person.name;
      if (person && typeof person.email === 'string') frame.email = person.email;
      if (frame.name !== undefined || frame.email !== undefined || !identity) chat.identify(frame);
    },
    setAttributes: (attributes) => chat.setAttributes(cleanAttributes(attributes)),
    on: (event: string, listener: unknown) => {
      if (typeof listener !== 'function') return () => {};
      if (event === 'message') return subscribe(listeners, listener as (message: MessageEvent) => void);
      if (event === 'identity_refused') {
        return subscribe(identityListeners, listener as (refusal: IdentityRefusal) => void);
      }
      return () => {};
    },
  });
  // After the page's queued calls: an identify() made before widget.js loaded is in the
  // first hello.
  chat.start();
}

(function boot() {
  if (alreadyLoaded()) return;
  const script = findOwnScript();
  if (!script) {
    console.warn('Juttu: widget.js needs a data-site attribute on its <script> tag.');
    return;
  }
  // An async script can run before <body> exists.
  if (document.body) start(script);
  else document.addEventListener('DOMContentLoaded', () => start(script), { once: true });
})();
