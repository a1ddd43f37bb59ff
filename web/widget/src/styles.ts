// All of the widget's CSS. It lives inside the shadow root, so the page's rules cannot
// reach our elements and ours cannot reach the page. The host element itself is in the
// page, where global rules (even `* { all: unset !important }`) do match it: the :host
// rule resets it with !important, which wins over the page's !important declarations
// because for important rules the shadow tree's context takes precedence.
// Sizes are in px, never rem: the page's root font size must not scale the widget.
export const css = `
:host {
  all: initial !important;
  display: block !important;
  position: fixed !important;
  right: 0 !important;
  bottom: 0 !important;
  width: 0 !important;
  height: 0 !important;
  margin: 0 !important;
  padding: 0 !important;
  border: 0 !important;
  overflow: visible !important;
  z-index: 2147483000 !important;
  visibility: visible !important;
  opacity: 1 !important;
  transform: none !important;
  filter: none !important;
  contain: none !important;
  pointer-events: auto !important;
}
/* A page's "*::before { content: ... }" would otherwise draw on the host. */
:host::before, :host::after { content: none !important; display: none !important; }
.root {
  font: 400 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1a202c;
  -webkit-font-smoothing: antialiased;
  text-align: left;
  letter-spacing: normal;
  text-transform: none;
  direction: ltr;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
button, textarea, input, select { font: inherit; color: inherit; margin: 0; }
button { cursor: pointer; }
:focus { outline: none; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
svg { display: block; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }

.launcher {
  position: fixed; right: 20px; bottom: 20px;
  width: 60px; height: 60px; padding: 0;
  display: flex; align-items: center; justify-content: center;
  border: 0; border-radius: 50%;
  background: var(--accent); color: var(--on-accent);
  box-shadow: 0 4px 14px rgba(0,0,0,.25);
  transition: transform .15s ease;
}
.launcher:hover { transform: scale(1.06); }
.launcher svg { width: 28px; height: 28px; }
.badge {
  position: absolute; top: -4px; right: -4px;
  min-width: 22px; height: 22px; padding: 0 6px;
  border-radius: 11px; border: 2px solid #fff;
  background: #c53030; color: #fff;
  font-size: 12px; font-weight: 700; line-height: 18px; text-align: center;
}

.panel {
  position: fixed; right: 20px; bottom: 20px;
  width: 370px; height: min(620px, calc(100vh - 40px));
  display: flex; flex-direction: column;
  background: #fff; border-radius: 14px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(0,0,0,.22), 0 0 0 1px rgba(0,0,0,.06);
}
.header {
  display: flex; align-items: center; gap: 12px;
  padding: 14px 12px 14px 16px;
  background: var(--accent); color: var(--on-accent);
}
.header .titles { flex: 1; min-width: 0; }
.header h2 { margin: 0; font-size: 16px; font-weight: 650; line-height: 1.3; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.header p { margin: 0; font-size: 13px; opacity: .92; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.close {
  width: 40px; height: 40px; padding: 0; flex: none;
  display: flex; align-items: center; justify-content: center;
  border: 0; border-radius: 8px; background: transparent; color: inherit;
}
.close:hover { background: rgba(0,0,0,.12); }
.close svg { width: 22px; height: 22px; }
.sound[aria-pressed="false"] svg { opacity: .45; }
.close:focus-visible { outline-color: var(--on-accent); outline-offset: -3px; }

.avatar {
  width: 34px; height: 34px; flex: none; border-radius: 50%;
  display: flex; align-items: center; justify-content: center;
  font-size: 13px; font-weight: 700; letter-spacing: .02em;
  background: var(--accent); color: var(--on-accent);
}
.header .avatar { width: 38px; height: 38px; background: rgba(255,255,255,.92); color: #1a202c; }

.status {
  padding: 6px 16px; font-size: 13px; text-align: center;
  background: #fefcbf; color: #5f370e; border-bottom: 1px solid #f6e05e;
}

.log {
  flex: 1; overflow-y: auto; padding: 16px 14px 8px;
  display: flex; flex-direction: column; gap: 2px;
  background: #f7f8fa; overscroll-behavior: contain;
}
.msg { display: flex; flex-direction: column; max-width: 82%; align-self: flex-start; margin-top: 6px; }
.msg.own { align-self: flex-end; align-items: flex-end; }
.msg.cont { margin-top: 0; }
.who { display: flex; align-items: center; gap: 8px; margin: 6px 0 4px; font-size: 13px; font-weight: 600; color: #4a5568; }
.who .avatar { width: 26px; height: 26px; font-size: 11px; }
.bubble {
  padding: 9px 13px; border-radius: 16px 16px 16px 4px;
  background: #fff; color: #1a202c; box-shadow: 0 1px 2px rgba(0,0,0,.08);
  white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word;
}
.own .bubble { background: var(--accent); color: var(--on-accent); border-radius: 16px 16px 4px 16px; box-shadow: none; }
.greeting .bubble { border: 1px solid #e2e8f0; box-shadow: none; }
.meta { margin: 3px 4px 4px; font-size: 12px; color: #4a5568; }
.failed .meta { color: #c53030; }
.files { display: flex; flex-direction: column; gap: 4px; margin-top: 4px; }
.files:empty { display: none; }
.bubble:empty { display: none; }
.thumb { display: block; max-width: 220px; border-radius: 10px; overflow: hidden; background: #e2e8f0; }
.thumb img { display: block; width: 100%; height: auto; }
.file { padding: 8px 12px; border-radius: 10px; background: #fff; border: 1px solid #e2e8f0; color: #1a202c; overflow-wrap: anywhere; }
.file a { color: #1d4ed8; font-weight: 600; }
.file progress { display: block; width: 100%; margin-top: 6px; }
.problem { margin: 2px 4px; font-size: 13px; color: #c53030; }
.problem button { margin-left: 6px; padding: 0; border: 0; background: none; color: #1d4ed8; text-decoration: underline; font: inherit; }
.attach {
  width: 42px; height: 42px; padding: 0; flex: none;
  display: flex; align-items: center; justify-content: center;
  border: 0; border-radius: 10px; background: transparent; color: #4a5568;
}
.attach:hover { background: #edf2f7; }
.attach svg { width: 22px; height: 22px; }
.drop {
  position: absolute; inset: 0; z-index: 2; display: flex; align-items: center; justify-content: center;
  margin: 8px; border: 3px dashed var(--accent); border-radius: 12px;
  background: rgba(255,255,255,.92); color: #1a202c; font-size: 16px; font-weight: 600; pointer-events: none;
}

.typing { min-height: 22px; padding: 0 16px 4px; font-size: 13px; font-style: italic; color: #4a5568; background: #f7f8fa; }

.composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px 10px 10px 14px; border-top: 1px solid #e2e8f0; background: #fff; }
textarea, input, select {
  flex: 1; resize: none; max-height: 120px; min-height: 40px;
  padding: 9px 12px; border: 1px solid #a0aec0; border-radius: 10px;
  font-size: 16px; line-height: 1.35; background: #fff; color: #1a202c;
}
textarea::placeholder { color: #5a6577; opacity: 1; }
textarea:focus-visible, input:focus-visible, select:focus-visible { outline-offset: 0; border-color: #1d4ed8; }
.send {
  width: 42px; height: 42px; padding: 0; flex: none;
  display: flex; align-items: center; justify-content: center;
  border: 0; border-radius: 10px; background: var(--accent); color: var(--on-accent);
}
.send svg { width: 20px; height: 20px; }
.error { padding: 0 14px 8px; font-size: 13px; color: #c53030; background: #fff; }

.queue, .notice { padding: 8px 16px; font-size: 14px; background: #ebf4ff; color: #1a365d; border-top: 1px solid #bee3f8; }
.notice { background: #f0fff4; color: #22543d; border-color: #c6f6d5; }
.queue:empty, .notice:empty { padding: 0; border: 0; }
.system { align-self: center; font-size: 13px; color: #4a5568; }
.ended { padding: 12px 16px; border-top: 1px solid #e2e8f0; }

.form {
  flex: none; max-height: 75%; overflow-y: auto;
  display: flex; flex-direction: column; gap: 10px;
  padding: 12px 14px 14px; border-top: 1px solid #e2e8f0; background: #fff;
}
.intro { margin: 0; font-size: 14px; color: #2d3748; }
.field { display: flex; flex-direction: column; gap: 4px; }
.field label { font-size: 14px; font-weight: 600; color: #2d3748; }
.field textarea { max-height: none; min-height: 72px; }
.req { color: #c53030; }
[aria-invalid="true"] { border-color: #c53030; }
.ferr { font-size: 13px; color: #c53030; }
.primary {
  min-height: 42px; padding: 8px 16px; border: 0; border-radius: 10px;
  background: var(--accent); color: var(--on-accent); font-weight: 600;
}

@media (max-width: 480px) {
  .panel { inset: 0; right: 0; bottom: 0; width: 100%; height: 100%; border-radius: 0; }
  .launcher { right: 16px; bottom: 16px; }
}
@media (prefers-reduced-motion: reduce) { .launcher { transition: none; } }
`;
