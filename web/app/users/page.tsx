'use client';

import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useConsole, useSession } from '@/components/ConsoleProvider';
import { Denied, ErrorMessage, focusOnMount, PageTitle, Status } from '@/components/ui';
import { TENANT_ROLES, type TenantRole, type User } from '@/lib/api';

const PAGE_SIZE = 20;

export default function UsersPage() {
  const session = useSession();
  const { api } = useConsole();
  const [users, setUsers] = useState<User[] | undefined>();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string | undefined>();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<TenantRole>('member');
  const [inviteError, setInviteError] = useState<unknown>();
  const [emailProblem, setEmailProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [roles, setRoles] = useState<Record<string, TenantRole>>({});
  const [confirming, setConfirming] = useState<string | undefined>();

  const isAdmin = session?.role === 'admin';

  const load = useCallback(
    async (index: number, cursor: string | undefined) => {
      setError(undefined);
      try {
        const res = await api<{ users: User[]; nextCursor?: string }>('/users', {
          query: { limit: PAGE_SIZE, cursor },
        });
        setUsers(res.users);
        setRoles(Object.fromEntries(res.users.map((u) => [u.userId, u.role])));
        setNextCursor(res.nextCursor);
        setPage(index);
        setCursors((c) => [...c.slice(0, index), cursor]);
      } catch (err) {
        setError(err);
      }
    },
    [api],
  );

  useEffect(() => {
    if (isAdmin) void load(0, undefined);
  }, [isAdmin, load]);

  if (!session) return <Status>Loading…</Status>;
  if (!isAdmin) {
    return (
      <Denied title="Users">
        Only tenant admins can manage users. Your role is {session.role}; ask an admin of your organization if
        you need access.
      </Denied>
    );
  }

  async function invite(event: FormEvent) {
    event.preventDefault();
    setInviteError(undefined);
    setMessage(undefined);
    const value = email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      setEmailProblem('Enter an e-mail address such as name@example.com.');
      document.getElementById('invite-email')?.focus();
      return;
    }
    setEmailProblem(undefined);
    setBusy(true);
    try {
      const user = await api<User>('/users', { method: 'POST', body: { email: value, role } });
      setEmail('');
      setMessage(`Invited ${user.email} as ${user.role}. They receive an e-mail to set their password.`);
      await load(page, cursors[page]);
    } catch (err) {
      setInviteError(err);
    } finally {
      setBusy(false);
    }
  }

  async function changeRole(user: User) {
    const next = roles[user.userId];
    if (!next || next === user.role) return;
    setError(undefined);
    setMessage(undefined);
    try {
      const updated = await api<User>(`/users/${user.userId}`, { method: 'PATCH', body: { role: next } });
      setMessage(`${updated.email} is now ${updated.role}. The change applies at their next sign-in.`);
      await load(page, cursors[page]);
    } catch (err) {
      setError(err);
    }
  }

  async function remove(user: User) {
    setError(undefined);
    setMessage(undefined);
    try {
      await api(`/users/${user.userId}`, { method: 'DELETE' });
      setConfirming(undefined);
      setMessage(`Removed ${user.email}.`);
      await load(page, cursors[page]);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <PageTitle>Users</PageTitle>
      <p className="lead">People of your organization ({session.tenantId}) and what they may do.</p>
      {message ? <Status>{message}</Status> : null}
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">Members</h2>
        <ErrorMessage error={error} />
        {users === undefined && !error ? <Status>Loading users…</Status> : null}
        {users && users.length > 0 ? (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Users, page {page + 1}</caption>
              <thead>
                <tr>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => {
                  const self = u.userId === session.userId;
                  const selectId = `role-${u.userId}`;
                  return (
                    <tr key={u.userId}>
                      <th scope="row" data-label="E-mail">
                        {u.email}
                        {self ? ' (you)' : ''}
                      </th>
                      <td data-label="Role">
                        <label className="visually-hidden" htmlFor={selectId}>
                          Role of {u.email}
                        </label>
                        <select
                          id={selectId}
                          value={roles[u.userId] ?? u.role}
                          disabled={self}
                          onChange={(e) => setRoles({ ...roles, [u.userId]: e.target.value as TenantRole })}
                        >
                          {TENANT_ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td data-label="Actions">
                        {self ? (
                          <span className="hint">You cannot change or remove yourself.</span>
                        ) : confirming === u.userId ? (
                          <span className="inline-confirm">
                            <span>Remove {u.email}?</span>
                            <button
                              type="button"
                              className="button button-danger"
                              ref={focusOnMount}
                              onClick={() => void remove(u)}
                            >
                              Confirm remove
                            </button>
                            <button
                              type="button"
                              className="button button-quiet"
                              onClick={() => setConfirming(undefined)}
                            >
                              Keep
                            </button>
                          </span>
                        ) : (
                          <span className="row-actions">
                            <button
                              type="button"
                              className="button button-quiet"
                              disabled={(roles[u.userId] ?? u.role) === u.role}
                              onClick={() => void changeRole(u)}
                            >
                              Save role<span className="visually-hidden"> of {u.email}</span>
                            </button>
                            <button
                              type="button"
                              className="button button-quiet"
                              onClick={() => setConfirming(u.userId)}
                            >
                              Remove<span className="visually-hidden"> {u.email}</span>
                            </button>
                          </span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
        <nav className="pager" aria-label="Pages of users">
          <button
            type="button"
            className="button button-quiet"
            disabled={page === 0}
            onClick={() => void load(page - 1, cursors[page - 1])}
          >
            Previous page
          </button>
          <span>Page {page + 1}</span>
          <button
            type="button"
            className="button button-quiet"
            disabled={!nextCursor}
            onClick={() => void load(page + 1, nextCursor)}
          >
            Next page
          </button>
        </nav>
      </section>
      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">Invite a user</h2>
        <ErrorMessage error={inviteError} />
        <form className="form form-inline" onSubmit={invite} noValidate>
          <div className="field">
            <label htmlFor="invite-email">E-mail</label>
            <input
              id="invite-email"
              type="email"
              autoComplete="off"
              value={email}
              required
              aria-invalid={emailProblem ? true : undefined}
              aria-describedby={emailProblem ? 'invite-email-error' : undefined}
              onChange={(e) => setEmail(e.target.value)}
            />
            {emailProblem ? (
              <p className="field-error" id="invite-email-error">
                {emailProblem}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="invite-role">Role</label>
            <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as TenantRole)}>
              {TENANT_ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Inviting…' : 'Invite'}
            </button>
          </div>
        </form>
        <p className="hint">
          Admins manage users and see usage; members create and change items; viewers only read.
        </p>
      </section>
    </>
  );
}
