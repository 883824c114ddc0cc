'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import type { Role } from '@/lib/session';
import { useConsole } from './ConsoleProvider';

interface NavLink {
  href: string;
  label: string;
  roles: readonly Role[];
}

/** Navigation by role: links a role cannot use are not shown (the pages and the API refuse them too). */
export const NAV: readonly NavLink[] = [
  { href: '/items', label: 'Items', roles: ['admin', 'member', 'viewer'] },
  { href: '/users', label: 'Users', roles: ['admin'] },
  { href: '/usage', label: 'Usage', roles: ['admin'] },
  { href: '/tenants', label: 'Tenants', roles: ['operator'] },
];

export function Shell({ children }: { children: ReactNode }) {
  const { state, signOut, config } = useConsole();
  const pathname = usePathname();
  const session = state.status === 'signed-in' ? state.session : undefined;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link href="/" className="brand">
            Fastish <span className="brand-sub">console</span>
          </Link>
          {config.mode === 'local' ? <span className="badge badge-local">local</span> : null}
          {session ? (
            <>
              <nav aria-label="Main" className="mainnav">
                <ul>
                  {NAV.filter((l) => l.roles.includes(session.role)).map((l) => (
                    <li key={l.href}>
                      <Link href={l.href} aria-current={pathname.startsWith(l.href) ? 'page' : undefined}>
                        {l.label}
                      </Link>
                    </li>
                  ))}
                </ul>
              </nav>
              <div className="who">
                <span className="who-text">
                  <span className="who-email">{session.email || session.userId}</span>
                  <span className="who-meta" data-testid="who-tenant">
                    {session.role === 'operator'
                      ? 'Platform operator'
                      : `${session.tenantId} · ${session.role}`}
                  </span>
                </span>
                <button type="button" className="button button-quiet" onClick={signOut}>
                  Sign out
                </button>
              </div>
            </>
          ) : null}
        </div>
      </header>
      <main id="main" className="container" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
