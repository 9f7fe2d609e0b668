import { describe, expect, it } from 'vitest';
import { newRowId } from './ids.js';

describe('new row ids', () => {
  it('are version-7 UUIDs that sort in the order they were made, across milliseconds', async () => {
    const first = Array.from({ length: 1000 }, newRowId);
    await new Promise((r) => setTimeout(r, 5));
    const later = newRowId();
    for (const id of [...first, later])
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(first).size).toBe(first.length);
    expect(first.every((id) => id < later)).toBe(true);
    // The leading 48 bits are the time they were made.
    const ms = Number.parseInt(later.replaceAll('-', '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });
});
