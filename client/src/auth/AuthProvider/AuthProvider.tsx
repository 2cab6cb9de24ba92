import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { createApiClient, type ApiConfig, useTRPCClient } from '../../api/trpc';
import { describeError, errorCode, isAuthError } from '../../api/errors';
import type { Whoami } from '../../api/types';
import type { KeyStorage } from '../key-storage';

export type AuthState =
  /** a saved key is being checked: the console shows as signed in meanwhile, without an identity */
  | { status: 'checking' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'unreachable'; message: string }
  | { status: 'signed-in'; identity: Whoami };

interface AuthContextValue {
  state: AuthState;
  /** Verifies the key with `auth.whoami` before keeping it; rejects with a readable message. */
  login(key: string): Promise<void>;
  logout(notice?: string): void;
  retry(): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

class NotAdminError extends Error {}

const SAVED_KEY_REFUSED = 'Your saved key is no longer accepted. Sign in again.';

function requireAdmin(identity: Whoami): Whoami {
  if (!identity.scopes.includes('admin')) {
    throw new NotAdminError(`The key "${identity.name}" has no admin scope; the console needs an admin key.`);
  }
  return identity;
}

function loginMessage(error: unknown): string {
  const code = errorCode(error);
  if (code === 'UNAUTHORIZED') return 'That key was not accepted. Check it and try again.';
  if (code === 'FORBIDDEN') return 'That key has no admin scope; the console needs an admin key.';
  if (error instanceof NotAdminError) return error.message;
  return describeError(error);
}

export function AuthProvider({ api, keys, children }: { api: ApiConfig; keys: KeyStorage; children: ReactNode }) {
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthState>(() => (keys.read() ? { status: 'checking' } : { status: 'signed-out' }));
  const [attempt, setAttempt] = useState(0);
  // read by the query cache's listener, which outlives renders
  const checking = useRef(state.status === 'checking');
  useEffect(() => {
    checking.current = state.status === 'checking';
  }, [state.status]);

  const logout = useCallback(
    (notice?: string) => {
      keys.clear();
      queryClient.clear();
      setState({ status: 'signed-out', notice });
    },
    [keys, queryClient],
  );

  // A saved key is checked once on start: it may have been revoked since the last visit. The
  // console does not wait for the answer (it was accepted last time); its pages' queries go out
  // with the check, and a refusal of either ends at the login form.
  useEffect(() => {
    if (!keys.read()) return;
    let cancelled = false;
    client.auth.whoami
      .query()
      .then((identity) => {
        if (!cancelled) setState({ status: 'signed-in', identity: requireAdmin(identity) });
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        if (isAuthError(error) || error instanceof NotAdminError) {
          logout(SAVED_KEY_REFUSED);
        } else {
          setState({ status: 'unreachable', message: describeError(error) });
        }
      });
    return () => {
      cancelled = true;
    };
  }, [client, keys, logout, attempt]);

  // Any query refused for the key (revoked meanwhile) ends the session instead of failing page by page.
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type === 'updated' && event.action.type === 'error' && errorCode(event.action.error) === 'UNAUTHORIZED') {
          logout(checking.current ? SAVED_KEY_REFUSED : 'Your key is no longer accepted. Sign in again.');
        }
      }),
    [queryClient, logout],
  );

  const login = useCallback(
    async (key: string) => {
      // A throwaway client carries the candidate key, so a wrong key is never stored.
      const probe = createApiClient({ url: api.url, fetch: api.fetch }, () => key);
      let identity: Whoami;
      try {
        identity = requireAdmin(await probe.auth.whoami.query());
      } catch (error) {
        throw new Error(loginMessage(error), { cause: error });
      }
      keys.write(key);
      queryClient.clear();
      setState({ status: 'signed-in', identity });
    },
    [api.url, api.fetch, keys, queryClient],
  );

  const retry = useCallback(() => {
    setState({ status: 'checking' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ state, login, logout, retry }), [state, login, logout, retry]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
