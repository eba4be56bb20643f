// Schema pieces shared by the /api/v1 routes: field types, and the OpenAPI tag with the two ways in.
import { Type } from '@sinclair/typebox';

export const Timestamp = Type.String({ format: 'date-time' });
export const Metadata = Type.Object({}, { additionalProperties: true });

const SECURITY: Array<Record<string, string[]>> = [{ apiKey: [] }, { integrationToken: [] }, { sessionCookie: [] }];

/** OpenAPI tag and the ways in: the organization's API key, a Bearer integration token, a dashboard session. */
export const tagged = (tag: string) => ({ tags: [tag], security: SECURITY });
