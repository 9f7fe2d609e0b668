import type {
  DataCategory,
  Permission,
  Protection,
  Purpose,
  RetentionClass,
  SpecialKind,
} from '@custodian/contracts';

/** Which blind index a field feeds, and how its values are normalised into tokens. */
export interface BlindIndexDeclaration {
  /** The bigint[] column holding the tokens; several fields may feed one column (first + last name). */
  column: string;
  /** The index's own name: its key is derived from it, so tokens of two indexes never match. */
  name: string;
  kind: 'email' | 'phone' | 'prefix';
}

export interface PersonalFieldDeclaration {
  label: string;
  description: string;
  /** The bytea column holding the ciphertext. */
  column: string;
  /** `text` stores the string; `json` stores structured values (lists of e-mails, addresses). */
  codec: 'text' | 'json';
  category: DataCategory;
  /** Required for `special`: the Art. 9 kind. */
  specialKind?: SpecialKind;
  protection: Exclude<Protection, 'plain'>;
  index?: BlindIndexDeclaration;
  /** The purposes that may use the field; a request under another purpose sees it masked. */
  purposes: readonly Purpose[];
  retention: RetentionClass;
  /** Defaults to `reveal:<category>`. */
  reveal?: Permission;
}

export interface EntityDeclaration {
  entity: string;
  table: string;
  description: string;
  /** The column naming the data subject whose key encrypts the personal fields. */
  subjectColumn: string | null;
  personal: Readonly<Record<string, PersonalFieldDeclaration>>;
  /** Every other column, with the reason it is not personal data. */
  notPersonal: Readonly<Record<string, string>>;
  /**
   * Columns being retired that once held personal data in clear: emptied at start-up (the catalog test
   * checks they hold nothing) and dropped by a later migration.
   */
  retired?: Readonly<Record<string, string>>;
}
