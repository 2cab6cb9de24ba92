import { lazy, type ComponentType } from 'react';

export interface LazyPage {
  /** renders the page; suspends only while its code is still loading */
  Page: ComponentType;
  /** starts loading the page's code (once); a failed load may be tried again */
  preload(): Promise<ComponentType>;
}

/**
 * A page whose code loads when it is first needed, like `React.lazy`, but which renders at once
 * when its code is already in. `React.lazy` suspends on its first render even then, and React 19
 * shows a boundary's content no sooner than 300 ms after its fallback: the landing page, fetched
 * while the key is checked, would still wait that long behind a loader.
 */
export function lazyPage(load: () => Promise<ComponentType>): LazyPage {
  let loaded: ComponentType | null = null;
  let loading: Promise<ComponentType> | null = null;
  const preload = () =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        loading = null;
        throw error;
      },
    ));
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  function Page() {
    const Component = loaded ?? Lazy;
    return <Component />;
  }
  return { Page, preload };
}
