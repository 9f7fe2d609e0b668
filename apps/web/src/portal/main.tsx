import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider } from './i18n/index.js';
import { Portal } from './Portal.js';
import './portal.css';

// Reads are not repeated on focus: a preference read with GPC records an opt-out, and a person's page
// should not change under them.
const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Portal />
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
