'use client';

import { type ReactNode, useEffect, useRef } from 'react';
import { ApiError, describeError } from '@/lib/api';

/** An error for people: a friendly sentence, the API's field issues as a list, and the stable code. */
export function ErrorMessage({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div className="error" role="alert" id={id}>
      <p>{describeError(error)}</p>
      {issues.length > 0 ? (
        <ul>
          {issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              {i.path ? <strong>{i.path}: </strong> : null}
              {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {error instanceof ApiError ? <p className="error-code">Error code: {error.code}</p> : null}
    </div>
  );
}

/** Polite status line for screen readers and everyone else. */
export function Status({ children }: { children: ReactNode }) {
  return (
    <p className="status" role="status">
      {children}
    </p>
  );
}

/** Shown instead of a page the role may not use (the API refuses it as well). */
export function Denied({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby="denied-title">
      <h1 id="denied-title">{title}</h1>
      <p className="notice" role="alert" data-testid="access-denied">
        {children}
      </p>
    </section>
  );
}

/** True until the first page has rendered: a fresh page load keeps the browser's own focus order. */
let initialLoad = true;

/**
 * Page title that receives focus after client-side navigation, so screen readers announce the new page
 * (on a full page load focus stays at the top, where the skip link is).
 */
export function PageTitle({ children, id }: { children: ReactNode; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (initialLoad) {
      initialLoad = false;
      return;
    }
    if (document.activeElement === document.body || document.activeElement === null) ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} id={id}>
      {children}
    </h1>
  );
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : `${d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
}

/** Ref callback: focus the element when it appears (the confirmation a person just asked for). */
export function focusOnMount(element: HTMLElement | null): void {
  element?.focus();
}
