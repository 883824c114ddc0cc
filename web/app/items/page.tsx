'use client';

import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConsole, useSession } from '@/components/ConsoleProvider';
import { ItemForm } from '@/components/ItemForm';
import { ErrorMessage, focusOnMount, formatTime, PageTitle, Status } from '@/components/ui';
import { ApiError, type Item, type ItemInput } from '@/lib/api';

const PAGE_SIZE = 10;
const EMPTY_DRAFT = { name: '', description: '', attributes: '' };

export default function ItemsPage() {
  const session = useSession();
  const { api } = useConsole();
  // cursors[i] opens page i; page 0 needs none. Going back reuses the cursors already seen.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const [items, setItems] = useState<Item[] | undefined>();
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  const [createError, setCreateError] = useState<unknown>();
  const [creating, setCreating] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const [message, setMessage] = useState<string | undefined>();
  const [confirming, setConfirming] = useState<string | undefined>();
  const [deleteError, setDeleteError] = useState<unknown>();
  const idempotencyKey = useRef<string | undefined>(undefined);
  const tableRef = useRef<HTMLTableElement>(null);

  const canWrite = session?.role === 'admin' || session?.role === 'member';

  const load = useCallback(
    async (index: number, cursor: string | undefined) => {
      setLoadError(undefined);
      try {
        const res = await api<{ items: Item[]; nextCursor?: string }>('/items', {
          query: { limit: PAGE_SIZE, cursor },
        });
        setItems(res.items);
        setNextCursor(res.nextCursor);
        setPage(index);
        setCursors((c) => {
          const copy = c.slice(0, index + 1);
          copy[index] = cursor;
          return copy;
        });
      } catch (err) {
        setLoadError(err);
      }
    },
    [api],
  );

  useEffect(() => {
    if (session) void load(0, undefined);
  }, [session, load]);

  async function create(input: ItemInput) {
    setCreating(true);
    setCreateError(undefined);
    setMessage(undefined);
    // One key per attempt to create this item: a retry after a network error cannot create it twice.
    idempotencyKey.current ??= crypto.randomUUID();
    try {
      const item = await api<Item>('/items', {
        method: 'POST',
        body: input,
        headers: { 'idempotency-key': idempotencyKey.current },
      });
      idempotencyKey.current = undefined;
      setFormKey((k) => k + 1);
      setMessage(`Created “${item.name}”.`);
      // New items are listed last: show them when the last page is open.
      if (!nextCursor) await load(page, cursors[page]);
    } catch (err) {
      setCreateError(err);
    } finally {
      setCreating(false);
    }
  }

  async function remove(item: Item) {
    setDeleteError(undefined);
    try {
      await api(`/items/${item.id}`, { method: 'DELETE', headers: { 'if-match': `"${item.version}"` } });
      setConfirming(undefined);
      setMessage(`Deleted “${item.name}”.`);
      await load(page, cursors[page]);
      tableRef.current?.focus();
    } catch (err) {
      setDeleteError(err);
    }
  }

  if (!session) return <Status>Loading…</Status>;

  return (
    <>
      <PageTitle>Items</PageTitle>
      <p className="lead">
        Everything your organization stores.{' '}
        {canWrite ? '' : 'Your role (viewer) can read items but not change them.'}
      </p>
      {message ? <Status>{message}</Status> : null}

      <section aria-labelledby="list-title" className="card">
        <h2 id="list-title">All items</h2>
        <ErrorMessage error={loadError} />
        <ErrorMessage error={deleteError} />
        {items === undefined && !loadError ? <Status>Loading items…</Status> : null}
        {items && items.length === 0 ? (
          <p>No items yet.{canWrite ? ' Create the first one below.' : ''}</p>
        ) : null}
        {items && items.length > 0 ? (
          <div className="table-wrap">
            <table className="table" ref={tableRef} tabIndex={-1} aria-describedby="items-page-info">
              <caption className="visually-hidden">Items, page {page + 1}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Description</th>
                  <th scope="col">Updated</th>
                  <th scope="col">Version</th>
                  {canWrite ? <th scope="col">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.id}>
                    <th scope="row" data-label="Name">
                      <Link href={`/items/${item.id}`}>{item.name}</Link>
                    </th>
                    <td data-label="Description">{item.description ?? '—'}</td>
                    <td data-label="Updated">{formatTime(item.updatedAt)}</td>
                    <td data-label="Version">{item.version}</td>
                    {canWrite ? (
                      <td data-label="Actions">
                        {confirming === item.id ? (
                          <span className="inline-confirm">
                            <span>Delete “{item.name}”?</span>
                            <button
                              type="button"
                              className="button button-danger"
                              ref={focusOnMount}
                              onClick={() => void remove(item)}
                            >
                              Confirm delete
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
                            <Link className="button button-quiet" href={`/items/${item.id}`}>
                              Edit<span className="visually-hidden"> {item.name}</span>
                            </Link>
                            <button
                              type="button"
                              className="button button-quiet"
                              onClick={() => {
                                setDeleteError(undefined);
                                setConfirming(item.id);
                              }}
                            >
                              Delete<span className="visually-hidden"> {item.name}</span>
                            </button>
                          </span>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <nav className="pager" aria-label="Pages of items">
          <button
            type="button"
            className="button button-quiet"
            disabled={page === 0}
            onClick={() => void load(page - 1, cursors[page - 1])}
          >
            Previous page
          </button>
          <span id="items-page-info">Page {page + 1}</span>
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

      {canWrite ? (
        <section aria-labelledby="create-title" className="card">
          <h2 id="create-title">Create an item</h2>
          <ErrorMessage error={createError} />
          <ItemForm
            key={formKey}
            initial={EMPTY_DRAFT}
            submitLabel="Create item"
            busy={creating}
            serverIssues={createError instanceof ApiError ? createError.issues : undefined}
            onSubmit={(input) => void create(input)}
          />
        </section>
      ) : null}
    </>
  );
}
