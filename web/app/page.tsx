'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useSession } from '@/components/ConsoleProvider';

/** Home: each role lands on the page it uses most. */
export default function Home() {
  const session = useSession();
  const router = useRouter();
  useEffect(() => {
    if (session) router.replace(session.role === 'operator' ? '/tenants' : '/items');
  }, [session, router]);
  return <p role="status">Loading…</p>;
}
