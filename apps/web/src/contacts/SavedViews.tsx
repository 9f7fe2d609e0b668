import {
  type ContactColumn,
  type CreateSavedViewInput,
  contactColumns,
  type SavedView,
  type SavedViewFilters,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { FormError, LoadError } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import type { ContactsView } from './ContactsPage.js';
import { columnLabels } from './ContactsTable.js';

const viewsKey = ['views'] as const;

/** The list's structural filters as a view keeps them: never the search text. */
function filtersOf(view: ContactsView): SavedViewFilters {
  return {
    ...(view.lifecycleStage ? { lifecycleStage: view.lifecycleStage } : {}),
    ...(view.tag.trim() ? { tag: view.tag.trim() } : {}),
  };
}

const sameFilters = (view: ContactsView, saved: SavedView) =>
  JSON.stringify(filtersOf(view)) === JSON.stringify(saved.filters) && view.sort === saved.sort;

/**
 * Saved views of the list (the server keeps them per user) and the choice of columns. Columns chosen while a
 * saved view is open are stored in it at once; otherwise the choice lives in memory only.
 */
export function SavedViews({
  view,
  onViewChange,
}: {
  view: ContactsView;
  onViewChange: (view: ContactsView) => void;
}) {
  const queryClient = useQueryClient();
  const views = useQuery({
    queryKey: viewsKey,
    queryFn: () => api<{ items: SavedView[] }>('GET', '/api/v1/views'),
  });
  const current = views.data?.items.find((v) => v.id === view.viewId) ?? null;
  const [name, setName] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const saved = (v: SavedView) => {
    queryClient.setQueryData<{ items: SavedView[] }>(viewsKey, (old) =>
      old
        ? {
            items: [...old.items.filter((x) => x.id !== v.id), v].sort((a, b) =>
              a.name.localeCompare(b.name),
            ),
          }
        : old,
    );
    void queryClient.invalidateQueries({ queryKey: viewsKey });
  };
  const create = useMutation({
    mutationFn: (body: CreateSavedViewInput) => api<SavedView>('POST', '/api/v1/views', body),
    onSuccess: (v) => {
      saved(v);
      setName('');
      setStatus(`Saved as the view ${v.name}.`);
      onViewChange({ ...view, viewId: v.id });
    },
  });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Partial<CreateSavedViewInput> }) =>
      api<SavedView>('PATCH', `/api/v1/views/${id}`, body),
    onSuccess: (v) => {
      saved(v);
      setStatus(`The view ${v.name} was updated.`);
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/v1/views/${id}`),
    onSuccess: (_nothing, id) => {
      queryClient.setQueryData<{ items: SavedView[] }>(viewsKey, (old) =>
        old ? { items: old.items.filter((x) => x.id !== id) } : old,
      );
      setConfirming(false);
      setStatus(`The view ${current?.name ?? ''} was deleted.`);
      onViewChange({ ...view, viewId: null });
      void queryClient.invalidateQueries({ queryKey: viewsKey });
    },
  });

  const open = (id: string) => {
    setStatus(null);
    setConfirming(false);
    const v = views.data?.items.find((x) => x.id === id);
    if (!v) return onViewChange({ ...view, viewId: null });
    onViewChange({
      ...view,
      viewId: v.id,
      lifecycleStage: v.filters.lifecycleStage ?? '',
      tag: v.filters.tag ?? '',
      sort: v.sort,
      columns: [...v.columns],
    });
  };
  const toggleColumn = (column: ContactColumn, on: boolean) => {
    const columns = contactColumns.filter((c) => (c === column ? on : view.columns.includes(c)));
    onViewChange({ ...view, columns });
    if (current) update.mutate({ id: current.id, body: { columns } });
  };
  const saveNew = (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    create.mutate({ name, filters: filtersOf(view), columns: view.columns, sort: view.sort });
  };

  return (
    <div className="saved-views">
      <div className="views-row">
        <Field label="View" field="params.id" error={views.error} anyError={views.isError}>
          <select value={current?.id ?? ''} onChange={(e) => open(e.target.value)} disabled={views.isPending}>
            <option value="">{views.isPending ? 'Loading views…' : 'Unsaved view'}</option>
            {views.data?.items.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </Field>
        <details className="column-choice">
          <summary>Columns</summary>
          <fieldset>
            <legend className="visually-hidden">Columns to show after the name</legend>
            {contactColumns.map((c) => (
              <label key={c}>
                <input
                  type="checkbox"
                  checked={view.columns.includes(c)}
                  onChange={(e) => toggleColumn(c, e.target.checked)}
                />
                {columnLabels[c]}
              </label>
            ))}
          </fieldset>
        </details>
        {current && !sameFilters(view, current) && (
          <button
            type="button"
            className="secondary"
            disabled={update.isPending}
            onClick={() =>
              update.mutate({
                id: current.id,
                body: { filters: filtersOf(view), sort: view.sort, columns: view.columns },
              })
            }
          >
            Update the view
          </button>
        )}
        {current &&
          (confirming ? (
            <fieldset className="confirm-row">
              <legend className="visually-hidden">Confirm deleting the view</legend>
              <button
                type="button"
                className="danger"
                disabled={remove.isPending}
                onClick={() => remove.mutate(current.id)}
              >
                Yes, delete {current.name}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </fieldset>
          ) : (
            <button type="button" className="secondary danger" onClick={() => setConfirming(true)}>
              Delete the view
            </button>
          ))}
      </div>
      {views.isError && <LoadError error={views.error} onRetry={() => void views.refetch()} />}
      <form onSubmit={saveNew} noValidate aria-label="Save as a view" className="views-row">
        <Field
          label="Save as a view named"
          field="body.name"
          error={create.error}
          hint="A view keeps the stage, tag, order and columns — never the search text, which may name a person."
        >
          <input type="text" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <button type="submit" className="secondary" disabled={create.isPending}>
          {create.isPending ? 'Saving…' : 'Save view'}
        </button>
      </form>
      <FormError error={create.error ?? update.error ?? remove.error} />
      <p role="status" className="status">
        {status}
      </p>
    </div>
  );
}
