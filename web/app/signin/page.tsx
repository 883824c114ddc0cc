'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useConsole } from '@/components/ConsoleProvider';
import { PageTitle } from '@/components/ui';
import { beginSignIn, safeReturnTo } from '@/lib/session';

export default function SignInPage() {
  const { config, state } = useConsole();
  const router = useRouter();
  const [params, setParams] = useState<URLSearchParams | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    setParams(new URLSearchParams(window.location.search));
  }, []);

  useEffect(() => {
    if (state.status === 'signed-in') router.replace(safeReturnTo(params?.get('next')));
  }, [state, params, router]);

  const expired = params?.get('reason') === 'expired';

  async function signIn() {
    setBusy(true);
    setError(undefined);
    try {
      window.location.assign(await beginSignIn(config, safeReturnTo(params?.get('next'))));
    } catch (err) {
      setBusy(false);
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <section className="signin card" aria-labelledby="signin-title">
      <PageTitle id="signin-title">Sign in</PageTitle>
      {expired ? (
        <p className="notice" role="status">
          Your session has expired. Sign in again to continue.
        </p>
      ) : null}
      <p>
        Sign in with your organization account to manage your items, users and usage.
        {config.mode === 'local'
          ? ' Under fastish dev, the local sign-in page lets you pick any test user.'
          : ''}
      </p>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" className="button" onClick={signIn} disabled={busy}>
        {busy ? 'Redirecting…' : 'Sign in'}
      </button>
    </section>
  );
}
