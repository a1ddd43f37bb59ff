// Arrow-key movement inside lists of buttons and links (inbox rows, open conversations, search
// results, contacts).

export function moveFocus(event: KeyboardEvent, selector: string, orientation: 'vertical' | 'horizontal' = 'vertical'): void {
  const [back, forward] = orientation === 'vertical' ? ['ArrowUp', 'ArrowDown'] : ['ArrowLeft', 'ArrowRight'];
  if (event.key !== back && event.key !== forward) return;
  const container = event.currentTarget as HTMLElement;
  const items = Array.from(container.querySelectorAll<HTMLElement>(selector));
  const index = items.indexOf(document.activeElement as HTMLElement);
  if (index < 0) return;
  event.preventDefault();
  const next = event.key === forward ? Math.min(items.length - 1, index + 1) : Math.max(0, index - 1);
  items[next].focus();
}
