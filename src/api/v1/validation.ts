// Request validation for /api/v1 with TypeBox's own compiler instead of Fastify's default Ajv, because that one
// coerces types (42 becomes "42", "true" becomes true): on our own API a field of the wrong type is a 400, not a
// guess. Path and query parameters arrive as strings and are converted to their declared type first. No string of
// a query or a body may hold NUL: PostgreSQL cannot store or compare one, and no field has a use for it. (Path ids
// are not checked here: one that is no UUID is a 404, path-id.ts.)
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';
import { pathToNul } from '../../http/json-nul.js';
import { stringEnumMessage } from '../string-enum.js';

const CONVERTED_PARTS = new Set(['params', 'querystring', 'headers']);

export const v1ValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  const convert = httpPart !== undefined && CONVERTED_PARTS.has(httpPart);
  return (data: unknown) => {
    // Fastify hands an absent body over as null: a request without a body (or with a JSON null) is read as `{}`.
    const value = convert ? Value.Convert(schema, withoutLooseNumbers(schema, data)) : httpPart === 'body' && data == null ? {} : data;
    if (checker.Check(value)) {
      const nul = httpPart === 'params' ? undefined : pathToNul(value, '');
      return nul === undefined ? { value } : { error: new Error(`${nul || httpPart}: must not contain NUL characters`) };
    }
    const first = checker.Errors(value).First();
    const where = first && first.path !== '' ? first.path.slice(1).replaceAll('/', '.') : (httpPart ?? 'request');
    const message = (first && stringEnumMessage(first.schema)) ?? first?.message ?? 'invalid';
    return { error: new Error(`${where}: ${message}`) };
  };
};

const STRICT_INTEGER = /^-?(?:0|[1-9][0-9]{0,15})$/;
const STRICT_NUMBER = /^-?(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{1,16})?$/;

/**
 * Value.Convert reads a number the way Number() and parseInt do: "1.5" became 1, "1e1" 1, "0x10" 16. Only plain
 * decimals are converted; any other text is left a string, so the check refuses it as the wrong type.
 */
function withoutLooseNumbers(schema: TSchema, data: unknown): unknown {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties;
  if (!properties || typeof data !== 'object' || data === null) return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const [key, property] of Object.entries(properties)) {
    const raw = out[key];
    if (typeof raw !== 'string') continue;
    const pattern = property.type === 'integer' ? STRICT_INTEGER : property.type === 'number' ? STRICT_NUMBER : undefined;
    // An unconvertible placeholder: Convert leaves it alone and the type check names the field.
    if (pattern && !pattern.test(raw)) out[key] = [raw];
  }
  return out;
}
