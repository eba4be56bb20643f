// Who owned which device, from when to when: the assignment history as pages show it.
import type { Db } from '../../db/connect.js';
import { before, toPage, type Page } from './cursor.js';
import { cursorOrFail, type ListOptions } from './list.js';

/** One device-owner link, current (`unassignedAt` null) or ended. */
export interface AssignmentView {
  id: string;
  deviceId: string;
  deviceIdentifier: string;
  customerId: string;
  customerEmail: string;
  customerName: string;
  assignedAt: string;
  unassignedAt: string | null;
}

function assignmentQuery(db: Db, organizationId: string) {
  return db
    .selectFrom('assignments')
    .innerJoin('devices', 'devices.id', 'assignments.device_id')
    .innerJoin('customers', 'customers.id', 'assignments.customer_id')
    .select([
      'assignments.id',
      'assignments.device_id',
      'devices.identifier as device_identifier',
      'assignments.customer_id',
      'customers.email as customer_email',
      'customers.name as customer_name',
      'assignments.assigned_at',
      'assignments.unassigned_at',
    ])
    .where('assignments.organization_id', '=', organizationId);
}

type AssignmentRow = Awaited<ReturnType<ReturnType<typeof assignmentQuery>['execute']>>[number];

function assignmentView(row: AssignmentRow): AssignmentView {
  return {
    id: row.id,
    deviceId: row.device_id,
    deviceIdentifier: row.device_identifier,
    customerId: row.customer_id,
    customerEmail: row.customer_email,
    customerName: row.customer_name,
    assignedAt: row.assigned_at,
    unassignedAt: row.unassigned_at,
  };
}

/** Who owned the device, from when to when: newest link first, current and ended links alike. */
export async function deviceAssignmentHistory(
  db: Db,
  organizationId: string,
  deviceId: string,
  options: ListOptions,
): Promise<Page<AssignmentView>> {
  const cursor = cursorOrFail(options.cursor);
  let query = assignmentQuery(db, organizationId).where('assignments.device_id', '=', deviceId);
  if (cursor) query = query.where(before('assignments.assigned_at', 'assignments.id', cursor));
  const rows = await query
    .orderBy('assignments.assigned_at', 'desc')
    .orderBy('assignments.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  return toPage(rows, options.limit, (r) => r.assigned_at, assignmentView);
}

/** The customer's current devices, oldest link first. */
/** The customer's current devices, oldest link first (by the customer's link `position`, as ext-v1 lists them). */
export async function currentDevicesOf(db: Db, organizationId: string, customerId: string): Promise<AssignmentView[]> {
  const rows = await assignmentQuery(db, organizationId)
    .where('assignments.customer_id', '=', customerId)
    .where('assignments.unassigned_at', 'is', null)
    .orderBy('assignments.position')
    .execute();
  return rows.map(assignmentView);
}

/** The device's current owners, oldest link first. */
export async function currentOwnersOf(db: Db, organizationId: string, deviceId: string): Promise<AssignmentView[]> {
  const rows = await assignmentQuery(db, organizationId)
    .where('assignments.device_id', '=', deviceId)
    .where('assignments.unassigned_at', 'is', null)
    .orderBy('assignments.assigned_at')
    .orderBy('assignments.id')
    .execute();
  return rows.map(assignmentView);
}
