'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useConsole } from '@/components/ConsoleProvider';
import { completeSignIn, relayTarget } from '@/lib/session';

export default function CallbackPage() {
  const { config, refresh } = useConsole();
  const router = useRouter();
  const [error, setError] = useState<string | undefined>();
  const started = useRef(false);

  useEffect(() => {
    // Codes are single-use: React's development double effects must not redeem it twice.
    if (started.current) return;
    started.current = true;
    const params = new URLSearchParams(window.location.search);
    // A pull-request preview's sign-in, which came back here: hand it to the preview.
    const relay = relayTarget(config, params);
    if (relay) {
      window.location.replace(relay);
      return;
    }
    completeSignIn(config, params)
      .then(({ returnTo }) => {
        refresh();
        router.replace(returnTo);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [config, refresh, router]);

  return (
    <section className="signin card" aria-labelledby="callback-title">
      <h1 id="callback-title">Signing in</h1>
      {error ? (
        <>
          <p className="error" role="alert">
            {error}
          </p>
          <Link className="button" href="/signin">
            Back to sign-in
          </Link>
        </>
      ) : (
        <p role="status">Completing sign-in…</p>
      )}
    </section>
  );
}
