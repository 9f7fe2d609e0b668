import { customType } from 'drizzle-orm/pg-core';

/** bytea as a Buffer on both drivers (PGlite gives Uint8Array, node-postgres gives Buffer). */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
  toDriver: (value) => value,
});
