// The widget's DOM: a launcher button with an unread badge and a chat panel, inside an
// open shadow root on a host element at the end of <body>. It draws what it is given and
// reports what the visitor does; it knows nothing about the protocol. Below the messages
// the panel shows one of: the composer, the offline form (leave a message) or the
// pre-chat form. Files come by the "Attach file" button, a drop onto the panel or a paste
// into the message box; names are only ever text and attributes, never markup.
import { carriesFiles, FileInfo, filesOf, humanSize } from '../../shared/uploads';
import type { PrechatAnswers } from './chat';
import { Control, el, Field, field, isEmail, setError } from './dom';
import { Strings } from './i18n';
import type { SiteSettings } from './protocol';
import { Delivery } from './store';
import { css } from './styles';

export type PanelMode = 'chat' | 'offline' | 'prechat' | 'ended' | 'none';

type Rule = 'off' | 'optional' | 'required';

/** The pre-chat form as the site configured it. */
export interface PrechatForm {
  name: Rule;
  email: Rule;
  team: Rule;
  question: { label: string; required: boolean } | null;
  teams: { id: number; name: string }[];
}

export interface ViewItem {
  key: string;
  own: boolean;
  authorName: string;
  body: string;
  createdAt: number;
  delivery?: Delivery;
  /** Stored files, their URLs absolute (and http(s) only). */
  attachments: FileInfo[];
  /** A file on its way up. */
  upload?: { name: string; size: number; progress: number };
  /** Why the message's file was not sent, in the visitor's language. */
  problem?: string;
  /** Whether trying again may help. */
  canRetry?: boolean;
}

export interface ViewHandlers {
  onOpen(): void;
  onClose(): void;
  /** Returns false when the text cannot be sent (too long). */
  onSend(body: string): boolean;
  onComposing(text: string): void;
  /** The offline form was sent; false when the message is too long. */
  onLeave(name: string, email: string, body: string): boolean;
  onStartChat(answers: PrechatAnswers): void;
  /** "Start a new chat" after an agent closed the last one. */
  onStartNew(): void;
  /** The "Sound" toggle: whether new agent messages chime, and its change. */
  soundOn(): boolean;
  onSound(on: boolean): void;
  onAttach(files: File[]): void;
  onRetry(key: string): void;
}

// The icons' paths. They are built as elements, never through innerHTML, so that a page
// that enforces Trusted Types does not refuse them.
const icons = {
  chat: 'M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z',
  close: 'M6 6l12 12M18 6L6 18',
  send: 'M4 12l16-8-6 17-3-7-7-2z',
  sound: 'M4 9h4l5-4v14l-5-4H4zM16 9a4 4 0 0 1 0 6M18.5 6.5a7.5 7.5 0 0 1 0 11',
  attach: 'M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7',
};

function icon(path: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const shape = document.createElementNS(ns, 'path');
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
}

/**
 * Our CSS in the shadow root. A constructed stylesheet is not inline style, so a shop's
 * Content-Security-Policy lets it in without 'unsafe-inline'; a <style> element only
 * where the browser cannot adopt sheets (Safari before 16.4, Firefox before 101).
 */
function adoptStyles(shadow: ShadowRoot): void {
  if ('adoptedStyleSheets' in shadow && 'replaceSync' in CSSStyleSheet.prototype) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
      return;
    } catch {
      /* a browser with the property but not the constructor: the element below */
    }
  }
  const style = el('style');
  style.textContent = css;
  shadow.append(style);
}

const DEFAULT_COLOR = '#2b6cb0';

function input(type: string, autocomplete: string): HTMLInputElement {
  const node = el('input');
  node.type = type;
  node.setAttribute('autocomplete', autocomplete);
  return node;
}

function submitButton(text: string): HTMLButtonElement {
  const button = el('button', 'primary', text);
  button.type = 'submit';
  return button;
}

function form(label: string): HTMLFormElement {
  const node = el('form', 'form');
  node.noValidate = true; // our own messages, tied to the fields, instead of the browser's bubbles
  node.setAttribute('aria-label', label);
  node.hidden = true;
  return node;
}

/** Shows each failed check's message on its field and focuses the first; true when all pass. */
function validate(checks: [Field, string][]): boolean {
  let first: Control | null = null;
  for (const [f, problem] of checks) {
    setError(f, problem);
    if (problem && !first) first = f.control;
  }
  if (first) first.focus();
  return !first;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '';
  const first = [...words[0]][0] || '';
  const last = words.length > 1 ? [...words[words.length - 1]][0] || '' : '';
  return (first + last).toUpperCase();
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
function textColorOn(hex: string): string {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  const contrastWithWhite = 1.05 / (luminance + 0.05);
  const contrastWithBlack = (luminance + 0.05) / 0.05;
  return contrastWithWhite >= contrastWithBlack ? '#ffffff' : '#111111';
}

export class WidgetView {
  readonly host: HTMLElement;
  private root: HTMLDivElement;
  private launcher: HTMLButtonElement;
  private badge: HTMLSpanElement;
  private unreadText: HTMLSpanElement;
  private panel: HTMLDivElement;
  private headerAvatar: HTMLDivElement;
  private title: HTMLHeadingElement;
  private subtitle: HTMLParagraphElement;
  private status: HTMLDivElement;
  private log: HTMLDivElement;
  private greeting: HTMLDivElement;
  private typing: HTMLDivElement;
  private input: HTMLTextAreaElement;
  private error: HTMLDivElement;
  private composer: HTMLFormElement;
  private queueText: HTMLDivElement;
  private notice: HTMLDivElement;
  /** The log's last line while the conversation has ended, and the button under it. */
  private endedLine: HTMLDivElement;
  private ended: HTMLDivElement;
  private offline: HTMLFormElement;
  /** The offline form's first line: the site's offline message, else the widget's words. */
  private away: HTMLParagraphElement;
  private reopens: HTMLParagraphElement;
  private offName: Field;
  private offEmail: Field;
  private offBody: Field;
  private offError: HTMLDivElement;
  private prechat: HTMLFormElement;
  private prechatKey = '';
  private prechatFields: { name?: Field; email?: Field; team?: Field; answer?: Field } = {};
  private known = { name: '', email: '' };
  private mode: PanelMode = 'chat';
  private unreachable = false;
  private elements = new Map<string, HTMLDivElement>();
  private siteName = '';
  private timeFormat: Intl.DateTimeFormat;
  private dateTimeFormat: Intl.DateTimeFormat;
  private dropHint: HTMLDivElement;

  constructor(private readonly t: Strings, private readonly lang: string, private readonly handlers: ViewHandlers) {
    this.timeFormat = new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' });
    this.dateTimeFormat = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

    this.host = document.createElement('juttu-chat');
    const shadow = this.host.attachShadow({ mode: 'open' });
    adoptStyles(shadow);
    this.root = el('div', 'root');
    this.root.lang = lang;
    shadow.append(this.root);

    this.launcher = el('button', 'launcher');
    this.launcher.type = 'button';
    this.launcher.append(icon(icons.chat));
    this.launcher.setAttribute('aria-label', t.openChat);
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.setAttribute('aria-controls', 'juttu-panel');
    this.launcher.setAttribute('aria-describedby', 'juttu-unread');
    this.badge = el('span', 'badge');
    this.badge.setAttribute('aria-hidden', 'true');
    this.badge.hidden = true;
    this.launcher.append(this.badge);
    this.launcher.addEventListener('click', () => this.handlers.onOpen());
    // Announced when agent messages arrive while the chat is closed.
    this.unreadText = el('span', 'sr');
    this.unreadText.id = 'juttu-unread';
    this.unreadText.setAttribute('role', 'status');

    this.panel = el('div', 'panel');
    this.panel.id = 'juttu-panel';
    this.panel.hidden = true;
    this.panel.setAttribute('role', 'dialog');
    this.panel.setAttribute('aria-labelledby', 'juttu-title');
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        this.handlers.onClose();
      }
    });

    const header = el('div', 'header');
    this.headerAvatar = el('div', 'avatar');
    this.headerAvatar.setAttribute('aria-hidden', 'true');
    const titles = el('div', 'titles');
    this.title = el('h2', '', t.chat);
    this.title.id = 'juttu-title';
    this.subtitle = el('p');
    this.subtitle.hidden = true;
    titles.append(this.title, this.subtitle);
    const close = el('button', 'close');
    close.type = 'button';
    close.append(icon(icons.close));
    close.setAttribute('aria-label', t.closeChat);
    close.title = t.closeChat;
    close.addEventListener('click', () => this.handlers.onClose());
    const sound = el('button', 'close sound');
    sound.type = 'button';
    sound.append(icon(icons.sound));
    sound.setAttribute('aria-label', t.sound);
    sound.title = t.sound;
    const showSound = () => sound.setAttribute('aria-pressed', String(this.handlers.soundOn()));
    showSound();
    sound.addEventListener('click', () => {
      this.handlers.onSound(!this.handlers.soundOn());
      showSound();
    });
    header.append(this.headerAvatar, titles, sound, close);

    this.status = el('div', 'status', t.reconnecting);
    this.status.setAttribute('role', 'status');
    this.status.hidden = true;

    this.log = el('div', 'log');
    this.log.setAttribute('role', 'log');
    this.log.setAttribute('aria-live', 'polite');
    this.log.setAttribute('aria-label', t.messages);
    this.log.tabIndex = 0; // scrollable region: reachable by keyboard
    this.greeting = el('div', 'msg greeting');
    this.greeting.hidden = true;
    this.endedLine = el('div', 'msg system', t.chatEnded);
    this.endedLine.hidden = true;
    this.log.append(this.greeting, this.endedLine);

    this.typing = el('div', 'typing');
    this.typing.setAttribute('aria-live', 'polite');

    // Where the visitor is in the queue, announced politely as it changes.
    this.queueText = el('div', 'queue');
    this.queueText.setAttribute('role', 'status');
    this.notice = el('div', 'notice');
    this.notice.setAttribute('role', 'status');

    const composer = (this.composer = el('form', 'composer'));
    this.input = el('textarea');
    this.input.rows = 1;
    this.input.setAttribute('aria-label', t.message);
    this.input.placeholder = t.placeholder;
    this.input.addEventListener('keydown', (event) => {
      // Enter sends, Shift+Enter is a new line; never while an IME is composing a word.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      this.autosize();
      this.error.hidden = true;
      this.handlers.onComposing(this.input.value);
    });
    const send = el('button', 'send');
    send.type = 'submit';
    send.append(icon(icons.send));
    send.setAttribute('aria-label', t.send);
    send.title = t.send;
    this.input.addEventListener('paste', (event) => {
      const files = filesOf(event.clipboardData);
      if (!files.length) return;
      event.preventDefault();
      this.handlers.onAttach(files);
    });
    const picker = el('input');
    picker.type = 'file';
    picker.multiple = true;
    picker.hidden = true;
    picker.tabIndex = -1;
    picker.addEventListener('change', () => {
      const files = Array.from(picker.files || []);
      picker.value = '';
      if (files.length) this.handlers.onAttach(files);
    });
    const attach = el('button', 'attach');
    attach.type = 'button';
    attach.append(icon(icons.attach));
    attach.setAttribute('aria-label', t.attachFile);
    attach.title = t.attachFile;
    attach.addEventListener('click', () => picker.click());
    composer.append(picker, attach, this.input, send);
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.error = el('div', 'error', t.tooLong);
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;

    // The offline form: nobody can chat now, the visitor leaves a message for e-mail.
    this.offline = form(t.leaveTitle);
    this.reopens = el('p', 'intro');
    this.away = el('p', 'intro', t.away);
    this.offline.append(this.away, this.reopens);
    this.offName = field(this.offline, t.name, input('text', 'name'), false);
    this.offEmail = field(this.offline, t.email, input('email', 'email'), true);
    this.offBody = field(this.offline, t.message, el('textarea'), true);
    (this.offBody.control as HTMLTextAreaElement).rows = 3;
    this.offError = el('div', 'ferr', t.leaveFailed);
    this.offError.setAttribute('role', 'alert');
    this.offError.hidden = true;
    this.offline.append(this.offError, submitButton(t.sendMessage));
    this.offline.addEventListener('submit', (event) => {
      event.preventDefault();
      this.leave();
    });

    this.ended = el('div', 'ended');
    this.ended.hidden = true;
    const startNew = el('button', 'primary', t.startNewChat);
    startNew.type = 'button';
    startNew.addEventListener('click', () => this.handlers.onStartNew());
    this.ended.append(startNew);

    this.prechat = form(t.startChat);
    this.prechat.addEventListener('submit', (event) => {
      event.preventDefault();
      this.startChat();
    });

    this.dropHint = el('div', 'drop', t.dropFiles);
    this.dropHint.hidden = true;
    this.listenForDrops();

    this.panel.append(this.dropHint, header, this.status, this.log, this.queueText, this.typing, this.notice, composer,
      this.offline, this.prechat, this.ended, this.error);
    this.root.append(this.launcher, this.unreadText, this.panel);
    this.setSite({ name: '', greeting: '', color: DEFAULT_COLOR });
  }

  /** Files dropped onto the panel while the composer shows are attached; a hint says so. */
  private listenForDrops(): void {
    let depth = 0;
    const accepts = (event: DragEvent) => this.mode === 'chat' && carriesFiles(event);
    const hide = () => {
      depth = 0;
      this.dropHint.hidden = true;
    };
    this.panel.addEventListener('dragenter', (event) => {
      if (!accepts(event)) return;
      event.preventDefault();
      depth += 1;
      this.dropHint.hidden = false;
    });
    this.panel.addEventListener('dragover', (event) => {
      if (accepts(event)) event.preventDefault();
    });
    // dragleave also fires when the pointer moves onto a child: count the levels.
    this.panel.addEventListener('dragleave', () => {
      depth -= 1;
      if (depth <= 0) hide();
    });
    this.panel.addEventListener('drop', (event) => {
      if (!accepts(event)) return;
      event.preventDefault();
      hide();
      const files = filesOf(event.dataTransfer);
      if (files.length) this.handlers.onAttach(files);
    });
  }

  /** Places the host at the end of <body>: it is fixed, so nothing on the page moves. */
  mount(): void {
    document.body.appendChild(this.host);
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  setSite(site: SiteSettings): void {
    const color = /^#[0-9a-f]{6}$/i.test(site.color) ? site.color : DEFAULT_COLOR;
    this.root.style.setProperty('--accent', color);
    this.root.style.setProperty('--on-accent', textColorOn(color));
    this.siteName = site.name;
    this.title.textContent = site.name || this.t.chat;
    this.greeting.replaceChildren();
    this.greeting.hidden = !site.greeting;
    if (site.greeting) this.greeting.append(el('div', 'bubble', site.greeting));
    this.away.textContent = site.offline_message || this.t.away;
    if (!this.subtitle.textContent) this.headerAvatar.textContent = initials(this.siteName);
  }

  open(focus: boolean): void {
    if (!this.isOpen) {
      this.panel.hidden = false;
      this.launcher.hidden = true;
      this.launcher.setAttribute('aria-expanded', 'true');
      this.scrollToEnd();
    }
    if (focus) this.focusMain();
  }

  /** Which of the composer, the offline form and the pre-chat form shows (or none). */
  setMode(mode: PanelMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.composer.hidden = mode !== 'chat';
    this.offline.hidden = mode !== 'offline';
    this.prechat.hidden = mode !== 'prechat';
    this.ended.hidden = mode !== 'ended';
    this.endedLine.hidden = mode !== 'ended';
    if (mode === 'ended') this.log.append(this.endedLine);
    if (mode !== 'chat') this.error.hidden = true;
    this.fill();
    // Focus was on something that just went away: move it to what replaced it.
    const active = this.host.shadowRoot!.activeElement;
    if (this.isOpen && active && active.closest('[hidden]')) this.focusMain();
  }

  /** The offline form's second line: when the site opens again ('' when unknown). */
  setReopens(text: string): void {
    this.reopens.textContent = text;
    this.reopens.hidden = !text;
  }

  /** The pre-chat form's fields; rebuilt only when the site's settings change. */
  setPrechat(config: PrechatForm): void {
    const key = JSON.stringify(config);
    if (key === this.prechatKey) return;
    this.prechatKey = key;
    const t = this.t;
    const fields: typeof this.prechatFields = {};
    this.prechat.replaceChildren(el('p', 'intro', t.prechatIntro));
    if (config.name !== 'off') fields.name = field(this.prechat, t.name, input('text', 'name'), config.name === 'required');
    if (config.email !== 'off') fields.email = field(this.prechat, t.email, input('email', 'email'), config.email === 'required');
    if (config.team !== 'off' && config.teams.length) {
      const select = el('select');
      select.append(new Option(t.choose, ''), ...config.teams.map((team) => new Option(team.name, String(team.id))));
      fields.team = field(this.prechat, t.topic, select, config.team === 'required');
    }
    const question = config.question;
    if (question && question.label) fields.answer = field(this.prechat, question.label, input('text', 'off'), question.required);
    this.prechatFields = fields;
    this.prechat.append(submitButton(t.startChat));
    this.fill();
  }

  /** What the visitor already told us: the forms start with it. */
  setKnown(name: string, email: string): void {
    this.known = { name, email };
    this.fill();
  }

  /** The queue text ('' when not waiting). */
  setQueue(text: string): void {
    if (this.queueText.textContent !== text) this.queueText.textContent = text;
  }

  /** A confirmation above the composer ('' for none). */
  setNotice(text: string): void {
    if (this.notice.textContent !== text) this.notice.textContent = text;
  }

  /** The server refused the message left on the offline form: give it back to correct. */
  leaveFailed(name: string, email: string, body: string): void {
    this.offName.control.value = name;
    this.offEmail.control.value = email;
    this.offBody.control.value = body;
    this.offError.hidden = false;
  }

  close(): void {
    if (!this.isOpen) return;
    const hadFocus = this.host.shadowRoot!.activeElement !== null;
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'false');
    // Focus goes back where the visitor started, unless the page has moved it elsewhere.
    if (hadFocus || document.activeElement === document.body) this.launcher.focus();
  }

  /** The header: the agent who has the chat now, or the site alone while nobody has it. */
  setAssignee(name: string): void {
    this.subtitle.textContent = name;
    this.subtitle.hidden = !name;
    this.headerAvatar.textContent = initials(name || this.siteName);
  }

  setReconnecting(reconnecting: boolean): void {
    this.status.hidden = !reconnecting && !this.unreachable;
  }

  /** Nothing reaches the server: the status line says so (the offline form is offered). */
  setUnreachable(unreachable: boolean): void {
    this.unreachable = unreachable;
    this.status.textContent = unreachable ? this.t.unreachable : this.t.reconnecting;
    this.status.hidden = !unreachable;
  }

  setUnread(count: number): void {
    this.badge.hidden = count === 0;
    this.badge.textContent = count > 99 ? '99+' : String(count);
    this.unreadText.textContent = count ? this.t.unread(count) : '';
  }

  setTyping(names: string[]): void {
    this.typing.textContent = names.length ? this.t.typing(names.join(', ')) : '';
  }

  /** Draws the messages, reusing the elements of those already shown. */
  render(items: ViewItem[]): void {
    const nearEnd = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 80;
    const wanted = new Set(items.map((i) => i.key));
    for (const [key, node] of this.elements) {
      if (!wanted.has(key)) {
        node.remove();
        this.elements.delete(key);
      }
    }
    let previous: Element = this.greeting;
    let previousItem: ViewItem | undefined;
    let addedOwn = false;
    for (const item of items) {
      let node = this.elements.get(item.key);
      if (!node) {
        node = this.createItem(item);
        this.elements.set(item.key, node);
        if (item.own) addedOwn = true;
      }
      const continued = !!previousItem && previousItem.own === item.own && previousItem.authorName === item.authorName;
      this.updateItem(node, item, continued);
      if (previous.nextElementSibling !== node) previous.after(node);
      previous = node;
      previousItem = item;
    }
    if (previous.nextElementSibling !== this.endedLine) previous.after(this.endedLine);
    if (nearEnd || addedOwn) this.scrollToEnd();
  }

  private createItem(item: ViewItem): HTMLDivElement {
    const node = el('div', item.own ? 'msg own' : 'msg');
    const who = el('div', 'who');
    if (item.own) {
      who.className = 'sr';
      who.textContent = this.t.you;
    } else {
      const avatar = el('span', 'avatar', initials(item.authorName));
      avatar.setAttribute('aria-hidden', 'true');
      who.append(avatar, el('span', '', item.authorName));
    }
    const meta = el('div', 'meta');
    meta.append(el('time'), el('span', 'delivery'));
    const problem = el('div', 'problem');
    problem.setAttribute('role', 'alert');
    problem.hidden = true;
    node.append(who, el('div', 'bubble', item.body), el('div', 'files'), meta, problem);
    return node;
  }

  /** Thumbnails for images (opening the full image), a download link with the size for others. */
  private fileElement(file: FileInfo): HTMLElement {
    if (file.kind === 'image' && file.thumbnail_url) {
      const link = el('a', 'thumb');
      link.href = file.url;
      link.target = '_blank';
      link.rel = 'noopener';
      const image = el('img');
      image.alt = file.name;
      image.src = file.thumbnail_url;
      if (file.width && file.height) {
        image.width = file.width;
        image.height = file.height;
      }
      link.append(image);
      return link;
    }
    const box = el('div', 'file');
    const link = el('a', '', file.name);
    link.href = file.url;
    link.download = file.name;
    link.target = '_blank';
    link.rel = 'noopener';
    box.append(link, document.createTextNode(` (${humanSize(file.size, this.lang)})`));
    return box;
  }

  private updateFiles(node: HTMLDivElement, item: ViewItem): void {
    const files = node.querySelector<HTMLDivElement>('.files')!;
    const upload = item.upload;
    const key = JSON.stringify([item.attachments.map((f) => f.id), upload ? [upload.name, upload.size] : 0]);
    if (files.dataset.key !== key) {
      files.dataset.key = key;
      const children: HTMLElement[] = item.attachments.map((f) => this.fileElement(f));
      if (upload) {
        const box = el('div', 'file', `${upload.name} (${humanSize(upload.size, this.lang)})`);
        const bar = el('progress');
        bar.max = 1;
        bar.setAttribute('aria-label', this.t.uploading(upload.name));
        box.append(bar);
        children.push(box);
      }
      files.replaceChildren(...children);
    }
    const bar = files.querySelector('progress');
    if (bar && upload) bar.value = upload.progress;
  }

  private updateProblem(node: HTMLDivElement, item: ViewItem): void {
    const problem = node.querySelector<HTMLDivElement>('.problem')!;
    const text = item.problem || '';
    if (problem.dataset.text === text + !!item.canRetry) return;
    problem.dataset.text = text + !!item.canRetry;
    problem.hidden = !text;
    problem.replaceChildren(text);
    if (text && item.canRetry) {
      const retry = el('button', '', this.t.retry);
      retry.type = 'button';
      retry.addEventListener('click', () => this.handlers.onRetry(item.key));
      problem.append(retry);
    }
  }

  private updateItem(node: HTMLDivElement, item: ViewItem, continued: boolean): void {
    node.classList.toggle('cont', continued);
    node.classList.toggle('failed', item.delivery === 'failed');
    const who = node.firstElementChild as HTMLElement;
    // A run of messages by the same author shows the name once; screen readers still hear it.
    if (!item.own) who.className = continued ? 'who sr' : 'who';
    const time = node.querySelector('time')!;
    const date = new Date(item.createdAt);
    time.dateTime = date.toISOString();
    const sameDay = date.toDateString() === new Date().toDateString();
    time.textContent = (sameDay ? this.timeFormat : this.dateTimeFormat).format(date);
    const delivery = node.querySelector('.delivery')!;
    delivery.textContent = item.delivery ? ` · ${this.t[item.delivery]}` : '';
    this.updateFiles(node, item);
    this.updateProblem(node, item);
  }

  private focusMain(): void {
    const first = (f: HTMLFormElement) => f.querySelector<HTMLElement>('input, select, textarea');
    const target =
      this.mode === 'chat'
        ? this.input
        : this.mode === 'offline'
          ? first(this.offline)
          : this.mode === 'prechat'
            ? first(this.prechat)
            : this.mode === 'ended'
              ? this.ended.querySelector('button')
              : this.log;
    if (target) target.focus();
  }

  /** Puts the known name and e-mail into empty fields of the forms. */
  private fill(): void {
    const { name, email } = this.prechatFields;
    for (const [f, value] of [
      [this.offName, this.known.name],
      [this.offEmail, this.known.email],
      [name, this.known.name],
      [email, this.known.email],
    ] as [Field | undefined, string][]) {
      if (f && value && !f.control.value) f.control.value = value;
    }
  }

  private emailProblem(value: string, required: boolean): string {
    if (!value) return required ? this.t.emailMissing : '';
    return isEmail(value) ? '' : this.t.emailInvalid;
  }

  private leave(): void {
    const t = this.t;
    const name = this.offName.control.value.trim();
    const email = this.offEmail.control.value.trim();
    const body = this.offBody.control.value.trim();
    this.offError.hidden = true;
    const ok = validate([
      [this.offEmail, this.emailProblem(email, true)],
      [this.offBody, body ? '' : t.required],
    ]);
    if (!ok) return;
    if (!this.handlers.onLeave(name, email, body)) {
      validate([[this.offBody, t.tooLong]]);
      return;
    }
    this.offBody.control.value = '';
  }

  private startChat(): void {
    const t = this.t;
    const { name, email, team, answer } = this.prechatFields;
    const value = (f?: Field) => (f ? f.control.value.trim() : '');
    const missing = (f?: Field) => (f && f.control.required && !value(f) ? t.required : '');
    const checks: [Field, string][] = [];
    if (name) checks.push([name, missing(name)]);
    if (email) checks.push([email, this.emailProblem(value(email), email.control.required)]);
    if (team) checks.push([team, missing(team) && t.chooseTopic]);
    if (answer) checks.push([answer, missing(answer)]);
    if (!validate(checks)) return;
    this.handlers.onStartChat({
      name: value(name),
      email: value(email),
      teamId: value(team) ? Number(value(team)) : null,
      answer: value(answer),
    });
  }

  private submit(): void {
    const body = this.input.value;
    if (!body.trim()) return;
    if (!this.handlers.onSend(body)) {
      this.error.hidden = false;
      return;
    }
    this.input.value = '';
    this.autosize();
    this.input.focus();
  }

  private autosize(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 120)}px`;
  }

  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
