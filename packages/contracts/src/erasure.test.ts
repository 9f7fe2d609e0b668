import { describe, expect, it } from 'vitest';
import { erasureCertificateSchema } from './erasure.js';

const certificate = {
  certificateId: '0b6f3c1e-8a43-4d7e-9a51-2f3c4d5e6f70',
  requestId: null,
  reason: 'ticket 42',
  issuedAt: '2026-11-01T10:00:00.000Z',
  issuedBy: { type: 'user', id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' },
  outcome: 'erased',
  tables: [{ table: 'contacts', action: 'deleted', rows: 1 }],
  keysDestroyed: 1,
  kept: [],
  suppressionEntries: 1,
  verification: { tablesScanned: 40, columnsScanned: 300, valuesSought: 3, hits: 0, allowed: [] },
};

describe('erasure certificates', () => {
  it('name the recipients an erasure notice was queued for', () => {
    const queued = [{ recipient: 'Sync Ltd', at: '2026-11-01T10:00:00.000Z' }];
    const parsed = erasureCertificateSchema.parse({ ...certificate, recipientsQueued: queued });
    expect(parsed.recipientsQueued).toEqual(queued);
    expect(parsed.recipientsNotified).toBeUndefined();
  });

  it('still read back as stored when issued before `recipientsQueued`', () => {
    const old = {
      ...certificate,
      recipientsNotified: [{ recipient: 'Sync Ltd', at: '2026-10-01T10:00:00.000Z' }],
    };
    const parsed = erasureCertificateSchema.parse(JSON.parse(JSON.stringify(old)));
    expect(parsed.recipientsNotified).toEqual(old.recipientsNotified);
    expect(parsed.recipientsQueued).toEqual([]);
  });
});
