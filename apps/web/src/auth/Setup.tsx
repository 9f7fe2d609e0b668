import type { User } from '@custodian/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { FieldError, FormError } from '../ui/errors.js';

export function Setup({ onDone }: { onDone: () => void }) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [form, setForm] = useState({ token, name: '', email: '', password: '' });
  const create = useMutation({
    mutationFn: () => api<User>('POST', '/api/v1/setup', form),
    onSuccess: onDone,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="setup-title">
      <h1 id="setup-title">Create the first administrator</h1>
      <p>Use the setup link from the server log, which fills in the token.</p>
      {(['token', 'name', 'email', 'password'] as const).map((field) => (
        <label key={field}>
          {field === 'token' ? 'Setup token' : field[0]!.toUpperCase() + field.slice(1)}
          <input
            type={field === 'password' ? 'password' : field === 'email' ? 'email' : 'text'}
            autoComplete={field === 'password' ? 'new-password' : field === 'email' ? 'username' : 'off'}
            value={form[field]}
            onChange={(e) => setForm({ ...form, [field]: e.target.value })}
            required
          />
          <FieldError error={create.error} field={`body.${field}`} />
        </label>
      ))}
      <FormError error={create.error} />
      <button type="submit" disabled={create.isPending}>
        Create administrator
      </button>
    </form>
  );
}
