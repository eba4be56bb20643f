import { Type, type Static } from '@sinclair/typebox';
import type { OrganizationRow } from '../../db/schema.js';

export const OrganizationSchema = Type.Object(
  {
    CustomerID: Type.String({ format: 'uuid', description: 'The organization id (organizationId on ext-v1)' }),
    CustomerSecret: Type.Union([Type.String(), Type.Null()], {
      description: 'In full only when created; masked (first and last four characters) afterwards',
    }),
    CustomerName: Type.String(),
    Email: Type.Union([Type.String(), Type.Null()]),
    CustomerSetting: Type.Null(),
    CreatedAt: Type.String({ format: 'date-time' }),
    UpdatedAt: Type.String({ format: 'date-time' }),
    DeletedAt: Type.Literal(false),
  },
  { description: 'An organization (an Exotel "customer")' },
);

/** `secret` is the full secret at creation; afterwards only the masked form exists. */
export function presentOrganization(organization: OrganizationRow, secret: string | null): Static<typeof OrganizationSchema> {
  return {
    CustomerID: organization.id,
    CustomerSecret: secret ?? organization.secret_masked,
    CustomerName: organization.name,
    Email: organization.email,
    CustomerSetting: null,
    CreatedAt: organization.created_at,
    UpdatedAt: organization.updated_at,
    DeletedAt: false,
  };
}
