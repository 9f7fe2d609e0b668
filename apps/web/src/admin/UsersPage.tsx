import {
  type CreateUserInput,
  type Me,
  type Permission,
  type Role,
  roles,
  type User,
} from '@custodian/contracts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, withQuery } from '../api.js';
import { FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';

type UserPage = { items: User[]; nextCursor: string | null };
const usersKey = ['users'] as const;

export function UsersPage({ me }: { me: Me }) {
  const mayManage = me.permissions.includes('users:manage');
  const users = useInfiniteQuery({
    queryKey: usersKey,
    queryFn: ({ pageParam }) =>
      api<UserPage>('GET', withQuery('/api/v1/users', { limit: 100, cursor: pageParam })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const list = users.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="admin-page" aria-labelledby="users-title">
      <PageHeading title="Users and roles" id="users-title" />
      <section aria-labelledby="user-list-title">
        <h2 id="user-list-title">Users</h2>
        {users.isPending ? (
          <Loading what="users" />
        ) : users.isError ? (
          <LoadError error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
          <section className="table-scroll" aria-label="Staff users" tabIndex={0}>
            <table>
              <caption className="visually-hidden">Staff users</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Two-factor</th>
                  <th scope="col">Last sign-in</th>
                </tr>
              </thead>
              <tbody>
                {list.map((u) => (
                  <UserRow key={u.id} user={u} me={me} mayManage={mayManage} />
                ))}
              </tbody>
            </table>
          </section>
        )}
        {users.hasNextPage && (
          <button
            type="button"
            className="secondary"
            disabled={users.isFetchingNextPage}
            onClick={() => void users.fetchNextPage()}
          >
            {users.isFetchingNextPage ? 'Loading more users…' : 'Show more users'}
          </button>
        )}
      </section>
      {mayManage && <NewUserForm />}
      <RolesList />
    </section>
  );
}

function UserRow({ user, me, mayManage }: { user: User; me: Me; mayManage: boolean }) {
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>(user.role);
  const [status, setStatus] = useState<string | null>(null);
  useEffect(() => setRole(user.role), [user.role]);
  const change = useMutation({
    mutationFn: (body: { role: Role } | { status: 'active' | 'disabled' }) =>
      api<User>('PATCH', `/api/v1/users/${user.id}`, body),
    onSuccess: (saved) => {
      setStatus(
        saved.status !== user.status
          ? `${saved.name} is now ${saved.status}.`
          : `Role changed to ${saved.role}.`,
      );
      void queryClient.invalidateQueries({ queryKey: usersKey });
    },
  });
  const self = user.id === me.user.id;
  const submitRole = (e: FormEvent) => {
    e.preventDefault();
    change.mutate({ role });
  };
  return (
    <tr>
      <th scope="row">{user.name}</th>
      <td>{user.email}</td>
      <td>
        {mayManage && !self ? (
          <form className="cell-form" onSubmit={submitRole} noValidate>
            <select
              aria-label={`Role of ${user.name}`}
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <button type="submit" className="secondary" disabled={role === user.role || change.isPending}>
              Change role<span className="visually-hidden"> of {user.name}</span>
            </button>
          </form>
        ) : (
          user.role
        )}
      </td>
      <td>
        {humanize(user.status)}
        {mayManage && !self && (
          <>
            {' '}
            <button
              type="button"
              className="secondary"
              disabled={change.isPending}
              onClick={() => change.mutate({ status: user.status === 'active' ? 'disabled' : 'active' })}
            >
              {user.status === 'active' ? 'Disable' : 'Enable'}
              <span className="visually-hidden"> {user.name}</span>
            </button>
          </>
        )}
        <span role="status" className="visually-hidden">
          {status}
        </span>
        <FormError error={change.error} />
      </td>
      <td>{user.mfaEnabled ? 'On' : 'Off'}</td>
      <td>{formatDateTime(user.lastLoginAt)}</td>
    </tr>
  );
}

function NewUserForm() {
  const queryClient = useQueryClient();
  const empty: CreateUserInput = { name: '', email: '', role: 'sales', password: '' };
  const [form, setForm] = useState<CreateUserInput>(empty);
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api<User>('POST', '/api/v1/users', form),
    onSuccess: (user) => {
      setCreated(`${user.name} can now sign in as ${user.role}.`);
      setForm(empty);
      void queryClient.invalidateQueries({ queryKey: usersKey });
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (create.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [create.error]);
  const set = (change: Partial<CreateUserInput>) => {
    setCreated(null);
    setForm((f) => ({ ...f, ...change }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section aria-labelledby="new-user-title" className="panel">
      <h2 id="new-user-title">New user</h2>
      <form
        ref={formRef}
        onSubmit={submit}
        noValidate
        aria-labelledby="new-user-title"
        className="admin-form"
      >
        <Field label="Name" field="body.name" error={create.error}>
          <input
            type="text"
            autoComplete="off"
            value={form.name}
            onChange={(e) => set({ name: e.target.value })}
          />
        </Field>
        <Field label="E-mail" field="body.email" error={create.error}>
          <input
            type="email"
            autoComplete="off"
            value={form.email}
            onChange={(e) => set({ email: e.target.value })}
          />
        </Field>
        <Field label="Role" field="body.role" error={create.error}>
          <select value={form.role} onChange={(e) => set({ role: e.target.value as Role })}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Initial password"
          field="body.password"
          error={create.error}
          hint="At least 12 characters. Hand it over in person; they set up two-factor sign-in on their account page."
        >
          <input
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => set({ password: e.target.value })}
          />
        </Field>
        <FormError error={create.error} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create user'}
          </button>
          <p role="status" className="status">
            {created}
          </p>
        </div>
      </form>
    </section>
  );
}

function RolesList() {
  const list = useQuery({
    queryKey: ['roles'],
    queryFn: () => api<{ name: Role; permissions: Permission[] }[]>('GET', '/api/v1/roles'),
    staleTime: 300_000,
  });
  return (
    <section aria-labelledby="roles-title">
      <h2 id="roles-title">Roles and their permissions</h2>
      {list.isPending ? (
        <Loading what="roles" />
      ) : list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <div className="roles-list">
          {list.data.map((r) => (
            <details key={r.name}>
              <summary>
                {r.name} <span className="label">({r.permissions.length} permissions)</span>
              </summary>
              <ul aria-label={`Permissions of the ${r.name} role`}>
                {r.permissions.map((p) => (
                  <li key={p}>
                    <code>{p}</code>
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </div>
      )}
    </section>
  );
}
