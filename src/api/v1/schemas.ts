// Schema pieces shared by the /api/v1 routes: field types, and the OpenAPI tag with the two ways in.
import { Type } from '@sinclair/typebox';

export const Timestamp = Type.String({ format: 'date-time' });
export const Metadata = Type.Object({}, { additionalProperties: true });

const SECURITY: Array<Record<string, string[]>> = [{ integrationToken: [] }, { sessionCookie: [] }];

/** OpenAPI tag and the two ways in: a Bearer integration token or a dashboard session cookie. */
export const tagged = (tag: string) => ({ tags: [tag], security: SECURITY });
