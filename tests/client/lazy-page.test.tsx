import { render, screen } from '@testing-library/react';
import { Suspense } from 'react';
import { describe, expect, it } from 'vitest';
import { lazyPage } from '../../client/src/components/AppRoutes/lazy-page';

function Page() {
  return <p>the page</p>;
}

/** A Suspense boundary whose fallback counts how often it was shown. */
function renderInBoundary(Component: React.ComponentType) {
  const shown = { fallback: 0 };
  function Fallback() {
    shown.fallback++;
    return <p>loading</p>;
  }
  render(
    <Suspense fallback={<Fallback />}>
      <Component />
    </Suspense>,
  );
  return shown;
}

describe('lazyPage', () => {
  it('renders at once, never through its fallback, when its code was preloaded', async () => {
    let loads = 0;
    const page = lazyPage(() => {
      loads++;
      return Promise.resolve(Page);
    });
    await Promise.all([page.preload(), page.preload()]);
    const shown = renderInBoundary(page.Page);
    expect(screen.getByText('the page')).toBeInTheDocument();
    expect(shown.fallback).toBe(0);
    expect(loads).toBe(1);
  });

  it('suspends while its code loads, then renders it', async () => {
    const page = lazyPage(() => new Promise((resolve) => setTimeout(() => resolve(Page), 20)));
    const shown = renderInBoundary(page.Page);
    expect(screen.getByText('loading')).toBeInTheDocument();
    expect(await screen.findByText('the page')).toBeInTheDocument();
    expect(shown.fallback).toBeGreaterThan(0);
  });

  it('loads again after a failed load', async () => {
    let attempts = 0;
    const page = lazyPage(() => (++attempts === 1 ? Promise.reject(new Error('chunk failed')) : Promise.resolve(Page)));
    await expect(page.preload()).rejects.toThrow('chunk failed');
    await expect(page.preload()).resolves.toBe(Page);
    expect(attempts).toBe(2);
    renderInBoundary(page.Page);
    expect(screen.getByText('the page')).toBeInTheDocument();
  });
});
