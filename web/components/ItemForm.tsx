'use client';

import { type FormEvent, useId, useState } from 'react';
import type { FieldIssue, ItemInput } from '@/lib/api';
import { type ItemDraft, validateDraft } from '@/lib/item-form';

interface ItemFormProps {
  initial: ItemDraft;
  submitLabel: string;
  busy: boolean;
  /** Field issues from the API (422), shown next to the fields like the form's own. */
  serverIssues?: FieldIssue[];
  onSubmit: (input: ItemInput) => void;
  onCancel?: () => void;
}

const EMPTY: FieldIssue[] = [];

export function ItemForm({
  initial,
  submitLabel,
  busy,
  serverIssues = EMPTY,
  onSubmit,
  onCancel,
}: ItemFormProps) {
  const id = useId();
  const [draft, setDraft] = useState(initial);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const all = [...issues, ...serverIssues];
  const fieldIssues = (field: string) =>
    all.filter((i) => i.path === field || i.path.startsWith(`${field}.`));

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = validateDraft(draft);
    setIssues(result.issues);
    if (result.input) onSubmit(result.input);
    else {
      const first = result.issues[0]?.path ?? 'name';
      document.getElementById(`${id}-${first}`)?.focus();
    }
  }

  const field = (name: keyof ItemDraft) => {
    const problems = fieldIssues(name);
    return {
      id: `${id}-${name}`,
      name,
      value: draft[name],
      'aria-invalid': problems.length > 0 ? true : undefined,
      'aria-describedby': `${id}-${name}-hint${problems.length > 0 ? ` ${id}-${name}-error` : ''}`,
      onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
    };
  };
  const errorsOf = (name: keyof ItemDraft) => {
    const problems = fieldIssues(name);
    return problems.length > 0 ? (
      <p className="field-error" id={`${id}-${name}-error`}>
        {problems.map((p) => p.message).join(' ')}
      </p>
    ) : null;
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input type="text" required maxLength={200} autoComplete="off" {...field('name')} />
        <p className="hint" id={`${id}-name-hint`}>
          Required, up to 200 characters.
        </p>
        {errorsOf('name')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea rows={3} maxLength={2000} {...field('description')} />
        <p className="hint" id={`${id}-description-hint`}>
          Optional, up to 2000 characters.
        </p>
        {errorsOf('description')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-attributes`}>Attributes</label>
        <textarea rows={3} spellCheck={false} className="mono" {...field('attributes')} />
        <p className="hint" id={`${id}-attributes-hint`}>
          Optional. One per line as <code>key = value</code>; numbers and true/false keep their type.
        </p>
        {errorsOf('attributes')}
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="button button-quiet" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
