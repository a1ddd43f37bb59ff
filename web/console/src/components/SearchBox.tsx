// The search box in the top bar: Enter opens the Search page with its words (and the filters
// already chosen there). On the Search page it holds the words searched for.
import { useEffect, useState } from 'preact/hooks';
import { useSelect, useT } from '../context';
import { NO_FILTERS, parseSearch, searchHash } from '../route';

export function SearchBox() {
  const t = useT();
  const onSearchPage = useSelect((s) => s.page === 'search');
  const pageArg = useSelect((s) => s.pageArg);
  const shownQuery = onSearchPage ? parseSearch(pageArg).q : '';
  const [text, setText] = useState(shownQuery);

  // Back, forward and the Search page's own links change the words.
  useEffect(() => setText(shownQuery), [shownQuery]);

  const submit = (event: Event) => {
    event.preventDefault();
    const q = text.trim();
    if (!q) return;
    const filters = onSearchPage ? parseSearch(pageArg) : NO_FILTERS;
    location.hash = searchHash({ ...filters, q });
  };

  return (
    <form class="top-search" role="search" onSubmit={submit}>
      <input
        type="search"
        aria-label={t('search')}
        placeholder={t('searchPlaceholder')}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
    </form>
  );
}
