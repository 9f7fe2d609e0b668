import type { PersonalFieldDeclaration } from './types.js';

/** An encrypted personal field without a blind index: the common case of the declarations. */
export function encryptedField(
  field: Pick<
    PersonalFieldDeclaration,
    'column' | 'label' | 'description' | 'category' | 'purposes' | 'retention'
  > &
    Partial<PersonalFieldDeclaration>,
): PersonalFieldDeclaration {
  return { codec: 'text', protection: 'encrypted', ...field };
}
