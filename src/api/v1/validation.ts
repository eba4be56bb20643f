// Request validation for /api/v1 with TypeBox's own compiler instead of Fastify's default Ajv, because that one
// coerces types (42 becomes "42", "true" becomes true): on our own API a field of the wrong type is a 400, not a
// guess. Path and query parameters arrive as strings and are converted to their declared type first.
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';
import { stringEnumMessage } from '../string-enum.js';

const CONVERTED_PARTS = new Set(['params', 'querystring', 'headers']);

export const v1ValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  const convert = httpPart !== undefined && CONVERTED_PARTS.has(httpPart);
  return (data: unknown) => {
    // Fastify hands an absent body over as null: a request without a body (or with a JSON null) is read as `{}`.
    const value = convert ? Value.Convert(schema, data) : httpPart === 'body' && data == null ? {} : data;
    if (checker.Check(value)) return { value };
    const first = checker.Errors(value).First();
    const where = first && first.path !== '' ? first.path.slice(1).replaceAll('/', '.') : (httpPart ?? 'request');
    const message = (first && stringEnumMessage(first.schema)) ?? first?.message ?? 'invalid';
    return { error: new Error(`${where}: ${message}`) };
  };
};
