'use client';

import { type FormEvent, useEffect, useState } from 'react';
import { useConsole, useSession } from '@/components/ConsoleProvider';
import { Denied, ErrorMessage, focusOnMount, formatTime, PageTitle, Status } from '@/components/ui';
import { type OffboardProgress, type Tenant, TIERS } from '@/lib/api';

/** Tenants this operator opened in this tab (the API has no tenant listing; operators work by id). */
const RECENT_KEY = 'fastish.recent-tenants';
const TENANT_ID = /^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/;

function loadRecent(): string[] {
  try {
    const v = JSON.parse(sessionStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export default function TenantsPage() {
  const session = useSession();
  const { api } = useConsole();
  const [recent, setRecent] = useState<string[]>([]);
  const [tenant, setTenant] = useState<Tenant | undefined>();
  const [lookup, setLookup] = useState('');
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [form, setForm] = useState({ name: '', tenantId: '', tier: 'basic', adminEmail: '' });
  const [formProblems, setFormProblems] = useState<Record<string, string>>({});
  const [onboardError, setOnboardError] = useState<unknown>();
  const [confirmOffboard, setConfirmOffboard] = useState(false);

  useEffect(() => setRecent(loadRecent()), []);

  function remember(id: string) {
    const next = [id, ...recent.filter((r) => r !== id)].slice(0, 10);
    setRecent(next);
    sessionStorage.setItem(RECENT_KEY, JSON.stringify(next));
  }

  if (!session) return <Status>Loading…</Status>;
  if (session.role !== 'operator') {
    return (
      <Denied title="Tenants">
        Only platform operators manage tenants. You are signed in to {session.tenantId} as {session.role}.
      </Denied>
    );
  }

  async function open(id: string) {
    setError(undefined);
    setMessage(undefined);
    setConfirmOffboard(false);
    if (!TENANT_ID.test(id)) {
      setError(new Error('Tenant ids are 3-40 lowercase letters, digits and dashes.'));
      return;
    }
    try {
      const t = await api<Tenant>(`/tenants/${id}`);
      setTenant(t);
      remember(t.tenantId);
    } catch (err) {
      setTenant(undefined);
      setError(err);
    }
  }

  async function onboard(event: FormEvent) {
    event.preventDefault();
    setOnboardError(undefined);
    setMessage(undefined);
    const problems: Record<string, string> = {};
    if (!form.name.trim()) problems.name = 'Enter the organization’s name.';
    if (form.tenantId && !TENANT_ID.test(form.tenantId))
      problems.tenantId =
        '3-40 lowercase letters, digits and dashes; starts and ends with a letter or digit.';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.adminEmail.trim()))
      problems.adminEmail = 'Enter the first admin’s e-mail address.';
    setFormProblems(problems);
    const first = Object.keys(problems)[0];
    if (first) {
      document.getElementById(`onboard-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const t = await api<Tenant>('/tenants', {
        method: 'POST',
        body: {
          name: form.name.trim(),
          tier: form.tier,
          adminEmail: form.adminEmail.trim(),
          ...(form.tenantId ? { tenantId: form.tenantId } : {}),
        },
      });
      setTenant(t);
      remember(t.tenantId);
      setForm({ name: '', tenantId: '', tier: 'basic', adminEmail: '' });
      setMessage(`Onboarded ${t.name} (${t.tenantId}). ${t.adminEmail} is invited as its admin.`);
    } catch (err) {
      setOnboardError(err);
    } finally {
      setBusy(false);
    }
  }

  async function setStatus(action: 'suspend' | 'resume') {
    if (!tenant) return;
    setError(undefined);
    setMessage(undefined);
    try {
      const t = await api<Tenant>(`/tenants/${tenant.tenantId}/${action}`, { method: 'POST' });
      setTenant(t);
      setMessage(
        action === 'suspend'
          ? `${t.name} is suspended: its users are refused.`
          : `${t.name} is active again.`,
      );
    } catch (err) {
      setError(err);
    }
  }

  async function offboard() {
    if (!tenant) return;
    setError(undefined);
    setBusy(true);
    try {
      let deleted = 0;
      for (let pass = 0; pass < 1000; pass++) {
        // Resumable: each call deletes a page of the tenant's data; repeat until complete.
        const step = await api<OffboardProgress>(`/tenants/${tenant.tenantId}`, { method: 'DELETE' });
        deleted += step.deletedThisCall;
        setMessage(`Offboarding ${tenant.tenantId}: ${deleted} records deleted…`);
        if (step.complete) break;
      }
      setMessage(`Offboarded ${tenant.tenantId}: ${deleted} records deleted.`);
      setConfirmOffboard(false);
      await open(tenant.tenantId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const field = (name: keyof typeof form) => ({
    id: `onboard-${name}`,
    value: form[name],
    'aria-invalid': formProblems[name] ? true : undefined,
    'aria-describedby': formProblems[name] ? `onboard-${name}-error` : undefined,
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });
  const problem = (name: string) =>
    formProblems[name] ? (
      <p className="field-error" id={`onboard-${name}-error`}>
        {formProblems[name]}
      </p>
    ) : null;

  return (
    <>
      <PageTitle>Tenants</PageTitle>
      <p className="lead">
        Onboard organizations, suspend or resume them, and offboard them with their data.
      </p>
      {message ? <Status>{message}</Status> : null}
      <div className="grid-2">
        <section className="card" aria-labelledby="onboard-title">
          <h2 id="onboard-title">Onboard a tenant</h2>
          <ErrorMessage error={onboardError} />
          <form className="form" onSubmit={onboard} noValidate>
            <div className="field">
              <label htmlFor="onboard-name">Organization name</label>
              <input type="text" autoComplete="organization" {...field('name')} />
              {problem('name')}
            </div>
            <div className="field">
              <label htmlFor="onboard-tenantId">Tenant id (optional)</label>
              <input type="text" autoComplete="off" spellCheck={false} {...field('tenantId')} />
              <p className="hint">Left empty, one is derived from the name.</p>
              {problem('tenantId')}
            </div>
            <div className="field">
              <label htmlFor="onboard-tier">Tier</label>
              <select {...field('tier')}>
                {TIERS.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="onboard-adminEmail">First admin’s e-mail</label>
              <input type="email" autoComplete="off" {...field('adminEmail')} />
              {problem('adminEmail')}
            </div>
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                Onboard tenant
              </button>
            </div>
          </form>
        </section>
        <section className="card" aria-labelledby="manage-title">
          <h2 id="manage-title">Manage a tenant</h2>
          <form
            className="form form-inline"
            onSubmit={(e) => {
              e.preventDefault();
              void open(lookup.trim());
            }}
          >
            <div className="field">
              <label htmlFor="lookup">Tenant id</label>
              <input
                id="lookup"
                type="text"
                spellCheck={false}
                autoComplete="off"
                value={lookup}
                onChange={(e) => setLookup(e.target.value)}
              />
            </div>
            <div className="actions">
              <button type="submit" className="button">
                Open
              </button>
            </div>
          </form>
          {recent.length > 0 ? (
            <nav aria-label="Recently opened tenants" className="chips">
              {recent.map((id) => (
                <button key={id} type="button" className="chip" onClick={() => void open(id)}>
                  {id}
                </button>
              ))}
            </nav>
          ) : null}
          <ErrorMessage error={error} />
          {tenant ? (
            <div className="tenant" data-testid="tenant-card">
              <h3>
                {tenant.name} <span className={`badge badge-${tenant.status}`}>{tenant.status}</span>
              </h3>
              <dl className="details">
                <dt>Tenant id</dt>
                <dd>{tenant.tenantId}</dd>
                <dt>Tier</dt>
                <dd>{tenant.tier}</dd>
                <dt>First admin</dt>
                <dd>{tenant.adminEmail}</dd>
                <dt>Created</dt>
                <dd>{formatTime(tenant.createdAt)}</dd>
              </dl>
              <div className="actions">
                {tenant.status === 'active' ? (
                  <button
                    type="button"
                    className="button button-quiet"
                    onClick={() => void setStatus('suspend')}
                  >
                    Suspend
                  </button>
                ) : null}
                {tenant.status === 'suspended' ? (
                  <button
                    type="button"
                    className="button button-quiet"
                    onClick={() => void setStatus('resume')}
                  >
                    Resume
                  </button>
                ) : null}
                {tenant.status !== 'offboarded' && !confirmOffboard ? (
                  <button
                    type="button"
                    className="button button-quiet"
                    onClick={() => setConfirmOffboard(true)}
                  >
                    Offboard…
                  </button>
                ) : null}
              </div>
              {confirmOffboard ? (
                <div className="inline-confirm danger-zone">
                  <span>
                    Offboarding deletes all of {tenant.tenantId}’s data and users. It cannot be undone.
                  </span>
                  <button
                    type="button"
                    className="button button-danger"
                    ref={focusOnMount}
                    disabled={busy}
                    onClick={() => void offboard()}
                  >
                    Offboard {tenant.tenantId}
                  </button>
                  <button
                    type="button"
                    className="button button-quiet"
                    onClick={() => setConfirmOffboard(false)}
                  >
                    Keep
                  </button>
                </div>
              ) : null}
            </div>
          ) : null}
        </section>
      </div>
    </>
  );
}
