'use client';

import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { useConsole, useSession } from '@/components/ConsoleProvider';
import { ItemForm } from '@/components/ItemForm';
import { ErrorMessage, focusOnMount, formatTime, PageTitle, Status } from '@/components/ui';
import { ApiError, type Item, type ItemInput } from '@/lib/api';
import { draftFromItem } from '@/lib/item-form';

export default function ItemPage() {
  const session = useSession();
  const { api } = useConsole();
  const router = useRouter();
  const { id } = useParams<{ id: string }>();
  const [item, setItem] = useState<Item | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  const [saveError, setSaveError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | undefined>();
  const [formKey, setFormKey] = useState(0);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const canWrite = session?.role === 'admin' || session?.role === 'member';

  const load = useCallback(async () => {
    setLoadError(undefined);
    try {
      setItem(await api<Item>(`/items/${encodeURIComponent(id)}`));
      setFormKey((k) => k + 1);
    } catch (err) {
      setLoadError(err);
    }
  }, [api, id]);

  useEffect(() => {
    if (session) void load();
  }, [session, load]);

  async function save(input: ItemInput) {
    if (!item) return;
    setSaving(true);
    setSaveError(undefined);
    setSaved(undefined);
    try {
      // Optimistic concurrency: the write applies only if the item is still at the version shown.
      const updated = await api<Item>(`/items/${item.id}`, {
        method: 'PUT',
        body: input,
        headers: { 'if-match': `"${item.version}"` },
      });
      setItem(updated);
      setFormKey((k) => k + 1);
      setSaved(`Saved. “${updated.name}” is now at version ${updated.version}.`);
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  }

  async function remove() {
    if (!item) return;
    setSaveError(undefined);
    try {
      await api(`/items/${item.id}`, { method: 'DELETE', headers: { 'if-match': `"${item.version}"` } });
      router.push('/items');
    } catch (err) {
      setConfirmDelete(false);
      setSaveError(err);
    }
  }

  if (!session) return <Status>Loading…</Status>;
  const conflict = saveError instanceof ApiError && saveError.status === 412;

  return (
    <>
      <p className="breadcrumb">
        <Link href="/items">← All items</Link>
      </p>
      <PageTitle>{item ? item.name : 'Item'}</PageTitle>
      <ErrorMessage error={loadError} />
      {!item && !loadError ? <Status>Loading item…</Status> : null}
      {item ? (
        <>
          <section className="card" aria-labelledby="details-title">
            <h2 id="details-title">Details</h2>
            <dl className="details">
              <dt>Version</dt>
              <dd data-testid="item-version">{item.version}</dd>
              <dt>Created</dt>
              <dd>{formatTime(item.createdAt)}</dd>
              <dt>Updated</dt>
              <dd>{formatTime(item.updatedAt)}</dd>
              {canWrite ? null : (
                <>
                  <dt>Description</dt>
                  <dd>{item.description ?? '—'}</dd>
                  <dt>Attributes</dt>
                  <dd>
                    {Object.keys(item.attributes).length === 0
                      ? '—'
                      : Object.entries(item.attributes)
                          .map(([k, v]) => `${k} = ${String(v)}`)
                          .join(', ')}
                  </dd>
                </>
              )}
            </dl>
            {canWrite ? null : (
              <p className="notice">Your role (viewer) can read this item but not change it.</p>
            )}
          </section>
          {canWrite ? (
            <section className="card" aria-labelledby="edit-title">
              <h2 id="edit-title">Edit</h2>
              {saved ? <Status>{saved}</Status> : null}
              {conflict ? (
                <div className="error" role="alert" data-testid="conflict">
                  <p>
                    <strong>This item was changed by someone else</strong> after you opened it (you edited
                    version {item.version}). Your changes were not saved.
                  </p>
                  <p>Load the latest version, then apply your changes again.</p>
                  <button
                    type="button"
                    className="button"
                    onClick={() => void load().then(() => setSaveError(undefined))}
                  >
                    Load latest version
                  </button>
                </div>
              ) : (
                <ErrorMessage error={saveError} />
              )}
              <ItemForm
                key={formKey}
                initial={draftFromItem(item)}
                submitLabel="Save changes"
                busy={saving}
                serverIssues={saveError instanceof ApiError ? saveError.issues : undefined}
                onSubmit={(input) => void save(input)}
              />
            </section>
          ) : null}
          {canWrite ? (
            <section className="card danger-zone" aria-labelledby="delete-title">
              <h2 id="delete-title">Delete</h2>
              {confirmDelete ? (
                <div className="inline-confirm">
                  <span>Delete “{item.name}” permanently?</span>
                  <button
                    type="button"
                    className="button button-danger"
                    ref={focusOnMount}
                    onClick={() => void remove()}
                  >
                    Confirm delete
                  </button>
                  <button
                    type="button"
                    className="button button-quiet"
                    onClick={() => setConfirmDelete(false)}
                  >
                    Keep
                  </button>
                </div>
              ) : (
                <button type="button" className="button button-quiet" onClick={() => setConfirmDelete(true)}>
                  Delete item
                </button>
              )}
            </section>
          ) : null}
        </>
      ) : null}
    </>
  );
}
