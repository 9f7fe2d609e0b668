import type {
  ContactColumn,
  CreateSavedViewInput,
  contactSorts,
  SavedView,
  UpdateSavedViewInput,
} from '@custodian/contracts';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { assertNoIdentifiers } from '../scanner/index.js';
import {
  deleteViewRow,
  findViewRow,
  insertViewRow,
  listViewRows,
  type SavedViewRow,
  updateViewRow,
} from './repository.js';

type Deps = { db: Db; keys: KeyRing; ctx: RequestContext };

const present = (row: SavedViewRow): SavedView => ({
  id: row.id,
  name: row.name,
  filters: row.filters,
  columns: row.columns as ContactColumn[],
  sort: row.sort as (typeof contactSorts)[number],
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** The caller's user id: views belong to a person's account (an API token acts for its user). */
function ownerOf(ctx: RequestContext): string {
  assertPermission(ctx.actor, 'contacts:read');
  return assertStaff(ctx.actor).userId;
}

// A view is kept for good and shown in lists: its name and tag must not identify anyone.
const assertNoPersonalText = (input: { name?: string | undefined; filters?: { tag?: string | undefined } }) =>
  assertNoIdentifiers({ 'body.name': input.name, 'body.filters.tag': input.filters?.tag });

export async function findSavedViews({ db, ctx }: Deps): Promise<{ items: SavedView[] }> {
  return { items: (await listViewRows(db, ownerOf(ctx))).map(present) };
}

export async function getSavedView({ db, ctx, id }: Deps & { id: string }): Promise<SavedView> {
  const row = await findViewRow(db, ownerOf(ctx), id);
  if (!row) throw notFound('view');
  return present(row);
}

export async function createSavedView({ db, keys, ctx, input }: Deps & { input: CreateSavedViewInput }) {
  const userId = ownerOf(ctx);
  assertNoPersonalText(input);
  return transaction(db, async (tx) => {
    const row = await insertViewRow(tx, userId, input);
    await recordAudit(tx, keys, ctx, { action: 'view.create', entityType: 'saved_view', entityId: row.id });
    return present(row);
  });
}

export async function updateSavedView({
  db,
  keys,
  ctx,
  id,
  input,
}: Deps & { id: string; input: UpdateSavedViewInput }) {
  const userId = ownerOf(ctx);
  assertNoPersonalText(input);
  return transaction(db, async (tx) => {
    const row = await updateViewRow(tx, userId, id, input);
    if (!row) throw notFound('view');
    await recordAudit(tx, keys, ctx, { action: 'view.update', entityType: 'saved_view', entityId: id });
    return present(row);
  });
}

export async function deleteSavedView({ db, keys, ctx, id }: Deps & { id: string }): Promise<null> {
  const userId = ownerOf(ctx);
  return transaction(db, async (tx) => {
    if (!(await deleteViewRow(tx, userId, id))) throw notFound('view');
    await recordAudit(tx, keys, ctx, { action: 'view.delete', entityType: 'saved_view', entityId: id });
    return null;
  });
}
