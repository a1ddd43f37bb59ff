// How components reach the controller, the state and the translations.
import { createContext } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import type { ConsoleController } from './controller';
import { localeFor, translator, type Translate } from './i18n';
import type { State } from './state';
import { useStore } from './store';

export const ControllerContext = createContext<ConsoleController | null>(null);

export function useController(): ConsoleController {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useController outside ControllerContext');
  return controller;
}

export function useSelect<T>(select: (state: State) => T): T {
  return useStore(useController().store, select);
}

export function useT(): Translate {
  const language = useSelect((s) => s.settings.language);
  return useMemo(() => translator(language), [language]);
}

export function useLocale(): string {
  const language = useSelect((s) => s.settings.language);
  return useMemo(() => localeFor(language), [language]);
}
