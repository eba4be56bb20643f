// A closed list of strings as JSON Schema's `enum`, which OpenAPI tools show as a choice (Swagger's "Try it out"
// offers each value); a union of literals validates the same but is shown as an opaque `anyOf`. TypeBox's own
// compiler (the /api/v1 validator) checks it through the kind registered here.
import { Kind, Type, TypeRegistry, type TUnsafe } from '@sinclair/typebox';

const STRING_ENUM = 'StringEnum';

TypeRegistry.Set<{ enum: readonly string[] }>(STRING_ENUM, (schema, value) => typeof value === 'string' && schema.enum.includes(value));

export function stringEnum<T extends string>(values: readonly T[], options: { default?: T; description?: string } = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ [Kind]: STRING_ENUM, type: 'string', enum: [...values], ...options });
}

/** The message for a value outside the list, in the words of TypeBox's others ("Expected string"). */
export function stringEnumMessage(schema: unknown): string | undefined {
  const values = (schema as { [Kind]?: string; enum?: readonly string[] })?.[Kind] === STRING_ENUM ? (schema as { enum: readonly string[] }).enum : undefined;
  return values && `Expected one of: ${values.join(', ')}`;
}
