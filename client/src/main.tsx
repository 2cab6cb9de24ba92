import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './global.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { browserApiConfig } from './api/trpc';
import { createKeyStorage } from './auth/key-storage';
import { AppRoutes } from './components/AppRoutes/AppRoutes';
import { lazyPageAt } from './components/AppRoutes/pages';
import { Providers } from './components/Providers/Providers';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

function render(root: HTMLElement) {
  createRoot(root).render(
    <StrictMode>
      <Providers api={browserApiConfig()} storage={window.localStorage}>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </Providers>
    </StrictMode>,
  );
}

// With a saved key the console opens signed in, on the page of this URL: its code, when it is not
// in the first load, is awaited (half a second at most) so that the page's first paint is the page
// itself, not a loader that React would then keep up for at least 300 ms. Without a key the login
// form shows at once and the page's code keeps loading behind it.
const landing = lazyPageAt(window.location.pathname)?.preload();
if (landing && createKeyStorage(window.localStorage).read()) {
  const halfASecond = new Promise((resolve) => setTimeout(resolve, 500));
  void Promise.race([landing, halfASecond])
    .catch(() => undefined) // a page whose code failed to load says so when it renders
    .then(() => render(root));
} else {
  landing?.catch(() => undefined);
  render(root);
}
