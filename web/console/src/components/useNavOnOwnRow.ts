// The top bar's layout: its links on its one row, or on a row of their own.
import type { RefObject } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';

/**
 * Whether the top bar's links fit on its one row beside the rest (the search box at its
 * narrowest); else the bar gives them a row of their own. Measured, because the width
 * they need depends on the language: Finnish and Estonian names are long.
 */
export function useNavOnOwnRow(bar: RefObject<HTMLElement | null>, nav: RefObject<HTMLElement | null>, language: string): boolean {
  const [ownRow, setOwnRow] = useState(false);
  useLayoutEffect(() => {
    const measure = () => {
      const barEl = bar.current;
      const links = nav.current?.firstElementChild as HTMLElement | null;
      if (!barEl || !links) return;
      const style = getComputedStyle(barEl);
      // The links' own width (the list itself spans a row of its own when it has one).
      const items = Array.from(links.children) as HTMLElement[];
      let needed = items.reduce((sum, item) => sum + item.offsetWidth, 0) +
        (parseFloat(getComputedStyle(links).columnGap) || 0) * Math.max(0, items.length - 1) +
        parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      const others = Array.from(barEl.children).filter((child) => child !== nav.current) as HTMLElement[];
      for (const child of others) {
        const narrowest = parseFloat(getComputedStyle(child).minWidth);
        needed += child.classList.contains('top-search') && narrowest > 0 ? narrowest : child.offsetWidth;
      }
      needed += (parseFloat(style.columnGap) || 0) * others.length;
      setOwnRow(needed > barEl.clientWidth);
    };
    measure();
    const observer = new ResizeObserver(measure);
    if (bar.current) observer.observe(bar.current);
    return () => observer.disconnect();
  }, [language]);
  return ownRow;
}
