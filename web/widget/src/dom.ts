// Small DOM helpers shared by the view: elements, and labelled form fields whose errors
// are tied to their control (aria-invalid, aria-describedby) so screen readers hear them.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

export type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface Field {
  control: Control;
  error: HTMLDivElement;
}

let fieldCount = 0;

/** A visible label, the control and its (hidden until needed) error text, appended to `parent`. */
export function field(parent: HTMLElement, label: string, control: Control, required: boolean): Field {
  fieldCount += 1;
  const id = `juttu-field-${fieldCount}`;
  const wrap = el('div', 'field');
  const caption = el('label', '', label);
  caption.htmlFor = id;
  control.id = id;
  control.required = required;
  if (required) {
    // The asterisk is for the eye; the control itself says it is required.
    const mark = el('span', 'req', ' *');
    mark.setAttribute('aria-hidden', 'true');
    caption.append(mark);
  }
  const error = el('div', 'ferr');
  error.id = `${id}-error`;
  error.hidden = true;
  const result = { control, error };
  control.addEventListener('input', () => setError(result, ''));
  wrap.append(caption, control, error);
  parent.append(wrap);
  return result;
}

export function setError(f: Field, text: string): void {
  f.error.textContent = text;
  f.error.hidden = !text;
  if (text) {
    f.control.setAttribute('aria-invalid', 'true');
    f.control.setAttribute('aria-describedby', f.error.id);
  } else {
    f.control.removeAttribute('aria-invalid');
    f.control.removeAttribute('aria-describedby');
  }
}

/** A plausible e-mail address: something@domain.tld, no spaces. */
export function isEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(text) && text.length <= 254;
}
