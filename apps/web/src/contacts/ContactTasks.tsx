import type { CreateTaskInput, Task, User } from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, withQuery } from '../api.js';
import { errorText, FormError } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDateTime, humanize, isRestricted } from '../ui/format.js';
import { RelatedList } from '../ui/related-list.js';
import { Value } from '../ui/restricted.js';
import { useCan, useMe } from '../ui/use-me.js';
import { fromLocalInput } from './ActivityForm.js';
import './contact-page.css';

/** Staff users, for choosing an assignee and naming one (only for roles that may read users). */
function useStaff(enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'active'],
    enabled,
    queryFn: () =>
      api<{ items: User[] }>('GET', withQuery('/api/v1/users', { status: 'active', limit: 200 })),
    staleTime: 60_000,
  });
}

// A task title flagged as a special category is masked for roles that may not see it.
const titleOf = (t: Task) => (isRestricted(t.title) ? 'the task' : t.title);

const listsTasks = (q: { queryKey: readonly unknown[] }) =>
  q.queryKey[0] === 'tasks' || q.queryKey.includes('tasks');

/** Tasks about the contact, with a form to add one and a button to mark an open one done. */
export function ContactTasks({ contactId }: { contactId: string }) {
  const can = useCan();
  const me = useMe();
  const mayWrite = can('tasks:write');
  const staff = useStaff(can('users:read'));
  const [adding, setAdding] = useState(false);
  const [status, setStatus] = useState('');
  const addButton = useRef<HTMLButtonElement>(null);
  const queryClient = useQueryClient();
  const markDone = useMutation({
    mutationFn: (task: Task) => api<Task>('PATCH', `/api/v1/tasks/${task.id}`, { status: 'done' }),
    onSuccess: async (_saved, task) => {
      setStatus(`Marked ${titleOf(task)} done.`);
      await queryClient.invalidateQueries({ predicate: listsTasks });
    },
  });
  const assigneeName = (id: string | null) =>
    id === null
      ? 'nobody'
      : id === me?.user.id
        ? 'you'
        : (staff.data?.items.find((u) => u.id === id)?.name ?? 'another user');
  const done = (message: string) => {
    setAdding(false);
    setStatus(message);
    window.setTimeout(() => addButton.current?.focus(), 0);
  };
  return (
    <RelatedList<Task>
      title="Tasks"
      queryKey={['contact', contactId, 'tasks']}
      path="/api/v1/tasks"
      params={{ contactId }}
      empty="No tasks about this contact."
      actions={
        mayWrite &&
        !adding && (
          <button
            ref={addButton}
            type="button"
            className="secondary"
            onClick={() => {
              setStatus('');
              setAdding(true);
            }}
          >
            Add a task
          </button>
        )
      }
      render={(t) => (
        <div className={t.status === 'done' ? 'task-row done' : 'task-row'}>
          <span>
            <strong id={`task-${t.id}`}>
              <Value value={t.title} />
            </strong>{' '}
            · {humanize(t.status)}
            {t.dueAt && <> · due {formatDateTime(t.dueAt)}</>}
            <span className="label"> · for {assigneeName(t.assigneeId)}</span>
          </span>
          {mayWrite && t.status === 'open' && (
            <button
              type="button"
              className="secondary"
              aria-describedby={`task-${t.id}`}
              disabled={markDone.isPending && markDone.variables?.id === t.id}
              onClick={() => markDone.mutate(t)}
            >
              {markDone.isPending && markDone.variables?.id === t.id ? 'Saving…' : 'Mark done'}
            </button>
          )}
        </div>
      )}
    >
      <p className="status" role="status">
        {status}
      </p>
      {markDone.isError && (
        <p role="alert" className="form-error">
          Could not mark {markDone.variables ? titleOf(markDone.variables) : 'the task'} done:{' '}
          {errorText(markDone.error)}
        </p>
      )}
      {adding && (
        <TaskForm
          contactId={contactId}
          staff={can('users:read') ? (staff.data?.items ?? []) : null}
          onDone={done}
        />
      )}
    </RelatedList>
  );
}

function TaskForm({
  contactId,
  staff,
  onDone,
}: {
  contactId: string;
  /** Null when the role may not list users: the task is the caller's own. */
  staff: User[] | null;
  onDone: (message: string) => void;
}) {
  const queryClient = useQueryClient();
  const me = useMe();
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [assigneeId, setAssigneeId] = useState(me?.user.id ?? '');
  const create = useMutation({
    mutationFn: () => {
      const body: CreateTaskInput = {
        title,
        contactId,
        dueAt: due ? fromLocalInput(due) : null,
        ...(staff && assigneeId ? { assigneeId } : {}),
      };
      return api<Task>('POST', '/api/v1/tasks', body);
    },
    onSuccess: async (task) => {
      await queryClient.invalidateQueries({ predicate: listsTasks });
      onDone(`Task ${titleOf(task)} added.`);
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (create.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [create.error]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const err = create.error;
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="add-task-title" className="task-form">
      <h3 id="add-task-title">Add a task</h3>
      <Field label="Title" field="body.title" error={err}>
        <input type="text" autoComplete="off" value={title} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <div className="field-pair">
        <Field label="Due" field="body.dueAt" error={err} hint="Optional">
          <input type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
        </Field>
        {staff ? (
          <Field label="Assignee" field="body.assigneeId" error={err}>
            <select value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
              {staff.length === 0 && <option value="">You</option>}
              {staff.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.id === me?.user.id ? `${u.name} (you)` : u.name}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <p className="hint">Assigned to you.</p>
        )}
      </div>
      <FormError error={err} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add task'}
        </button>
        <button type="button" className="secondary" onClick={() => onDone('')}>
          Cancel
        </button>
      </div>
    </form>
  );
}
