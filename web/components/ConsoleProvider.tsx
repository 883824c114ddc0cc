'use client';

import { usePathname, useRouter } from 'next/navigation';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { type ApiClient, createApiClient } from '@/lib/api';
import type { ConsoleConfig } from '@/lib/config';
import { clearSession, isExpired, loadSession, type Session, signOutUrl } from '@/lib/session';

type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; expired: boolean }
  | { status: 'signed-in'; session: Session };

interface ConsoleContext {
  config: ConsoleConfig;
  state: SessionState;
  api: ApiClient;
  /** Ends the session because it expired (or the API refused the token): back to sign-in, with a note. */
  expire: () => void;
  signOut: () => void;
  /** Re-reads the session after the callback page stored it. */
  refresh: () => void;
}

const Context = createContext<ConsoleContext | undefined>(undefined);

export function ConsoleProvider({ config, children }: { config: ConsoleConfig; children: ReactNode }) {
  const pathname = usePathname();
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const sessionRef = useRef<Session | undefined>(undefined);

  const expire = useCallback(() => {
    clearSession();
    sessionRef.current = undefined;
    // Pages using useSession() then send the browser to sign-in with a note about the expiry.
    setState({ status: 'signed-out', expired: true });
  }, []);

  const refresh = useCallback(() => {
    const session = loadSession();
    if (session && isExpired(session)) {
      expire();
      return;
    }
    sessionRef.current = session;
    setState(session ? { status: 'signed-in', session } : { status: 'signed-out', expired: false });
  }, [expire]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-check the session on every navigation
  useEffect(() => refresh(), [refresh, pathname]);

  // Leave as soon as the token expires, not at the next click.
  useEffect(() => {
    if (state.status !== 'signed-in') return;
    const ms = Math.max(0, state.session.expiresAt - 5_000 - Date.now());
    const timer = setTimeout(expire, Math.min(ms, 2_147_000_000));
    return () => clearTimeout(timer);
  }, [state, expire]);

  const signOut = useCallback(() => {
    clearSession();
    sessionRef.current = undefined;
    setState({ status: 'signed-out', expired: false });
    window.location.assign(signOutUrl(config));
  }, [config]);

  const api = useMemo(
    () =>
      createApiClient({
        apiUrl: config.apiUrl,
        token: () => {
          const s = sessionRef.current;
          return s && !isExpired(s) ? s.idToken : undefined;
        },
        onUnauthorized: expire,
      }),
    [config.apiUrl, expire],
  );

  const value = useMemo(
    () => ({ config, state, api, expire, signOut, refresh }),
    [config, state, api, expire, signOut, refresh],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useConsole(): ConsoleContext {
  const value = useContext(Context);
  if (!value) throw new Error('useConsole outside ConsoleProvider');
  return value;
}

/**
 * The signed-in session, or undefined while it loads or when there is none (then it sends the browser to
 * sign-in and remembers where it was going).
 */
export function useSession(): Session | undefined {
  const { state } = useConsole();
  const router = useRouter();
  useEffect(() => {
    if (state.status === 'signed-out' && !window.location.pathname.startsWith('/signin')) {
      const next = encodeURIComponent(window.location.pathname + window.location.search);
      router.replace(state.expired ? `/signin?reason=expired&next=${next}` : `/signin?next=${next}`);
    }
  }, [state, router]);
  return state.status === 'signed-in' ? state.session : undefined;
}
