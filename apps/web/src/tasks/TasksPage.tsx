import type { Task } from '@custodian/contracts';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, withQuery } from '../api.js';
import { errorText, LoadError, Loading } from '../ui/errors.js';
import { formatDateTime } from '../ui/format.js';
import { CompanyName, ContactName } from '../ui/names.js';
import { PageHeading } from '../ui/page-heading.js';
import './tasks.css';

type Page = { items: Task[]; nextCursor: string | null };

/** Midnight starting the day `days` after today, in the browser's time zone. */
function dayStart(days: number): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + days);
  return d;
}

/** The signed-in user's open tasks due today or earlier, soonest due first, with a way to mark each done. */
export function TasksPage() {
  const queryClient = useQueryClient();
  const dueBefore = dayStart(1).toISOString();
  const tasks = useInfiniteQuery({
    queryKey: ['tasks', 'due', { dueBefore }],
    queryFn: ({ pageParam }) =>
      api<Page>(
        'GET',
        withQuery('/api/v1/tasks', { mine: 'true', status: 'open', dueBefore, limit: 50, cursor: pageParam }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const [done, setDone] = useState('');
  const [focusId, setFocusId] = useState<string | null>(null);
  const items = tasks.data?.pages.flatMap((p) => p.items) ?? [];
  const markDone = useMutation({
    mutationFn: (task: Task) => api<Task>('PATCH', `/api/v1/tasks/${task.id}`, { status: 'done' }),
    onSuccess: async (_updated, task) => {
      // Focus goes on to the next task (or back to the top), not lost with the row that leaves.
      const at = items.findIndex((t) => t.id === task.id);
      setFocusId(items[at + 1]?.id ?? items[at - 1]?.id ?? null);
      setDone(`Marked ${task.title} done.`);
      await queryClient.invalidateQueries({
        predicate: (q) => q.queryKey[0] === 'tasks' || q.queryKey.includes('tasks'),
      });
    },
  });
  useEffect(() => {
    if (focusId === null && done) document.getElementById('tasks-title')?.focus();
  }, [focusId, done]);

  const startOfToday = dayStart(0).getTime();
  const overdue = items.filter((t) => t.dueAt !== null && new Date(t.dueAt).getTime() < startOfToday);
  const today = items.filter((t) => !overdue.includes(t));
  const group = (title: string, list: Task[], id: string) =>
    list.length > 0 && (
      <section aria-labelledby={id} className="panel task-group">
        <h2 id={id}>
          {title} <span className="label">({list.length})</span>
        </h2>
        <ul className="related tasks">
          {list.map((t) => (
            <TaskRow
              key={t.id}
              task={t}
              overdue={list === overdue}
              takeFocus={focusId === t.id}
              busy={markDone.isPending && markDone.variables?.id === t.id}
              onDone={() => markDone.mutate(t)}
            />
          ))}
        </ul>
      </section>
    );
  return (
    <section aria-labelledby="tasks-title" className="tasks-page">
      <PageHeading title="Tasks due today" id="tasks-title" />
      <p className="subtitle">Your open tasks due today, and those overdue.</p>
      <p className="status" aria-live="polite">
        {done}
      </p>
      {markDone.isError && (
        <p role="alert" className="form-error">
          Could not mark {markDone.variables?.title} done: {errorText(markDone.error)}
        </p>
      )}
      {tasks.isPending ? (
        <Loading what="tasks" />
      ) : tasks.isError ? (
        <LoadError error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">Nothing due today. Well done.</p>
      ) : (
        <>
          {group('Overdue', overdue, 'overdue-title')}
          {group('Due today', today, 'today-title')}
          {tasks.hasNextPage && (
            <button
              type="button"
              className="secondary load-more"
              disabled={tasks.isFetchingNextPage}
              onClick={() => void tasks.fetchNextPage()}
            >
              {tasks.isFetchingNextPage ? 'Loading more…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function TaskRow({
  task,
  overdue,
  takeFocus,
  busy,
  onDone,
}: {
  task: Task;
  overdue: boolean;
  takeFocus: boolean;
  busy: boolean;
  onDone: () => void;
}) {
  const buttonRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (takeFocus) buttonRef.current?.focus();
  }, [takeFocus]);
  const titleId = `task-${task.id}`;
  return (
    <li className="task">
      <div className="task-text">
        <strong id={titleId}>{task.title}</strong>
        <span className="when"> · </span>
        <span className={overdue ? 'overdue' : 'when'}>due {formatDateTime(task.dueAt)}</span>
        {(task.contactId || task.companyId) && (
          <span className="label">
            {' '}
            · about {task.contactId && <ContactName id={task.contactId} />}
            {task.contactId && task.companyId && ', '}
            {task.companyId && <CompanyName id={task.companyId} />}
          </span>
        )}
      </div>
      <button
        ref={buttonRef}
        type="button"
        className="secondary"
        aria-describedby={titleId}
        disabled={busy}
        onClick={onDone}
      >
        {busy ? 'Saving…' : 'Mark done'}
      </button>
    </li>
  );
}
