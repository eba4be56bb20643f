import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { defineExtRoute } from '../route.js';
import { assignDeviceToOwnersRoute } from './assign-device-to-owners.js';
import { assignDevicesToOwnerRoute } from './assign-devices-to-owner.js';
import { unassignDeviceFromOwnerRoute } from './unassign-device-from-owner.js';
import { unassignDevicesFromOwnerRoute } from './unassign-devices-from-owner.js';

export function registerAssignmentRoutes(app: FastifyInstance, ctx: DomainContext): void {
  for (const route of [
    assignDeviceToOwnersRoute(ctx),
    assignDevicesToOwnerRoute(ctx),
    unassignDeviceFromOwnerRoute(ctx),
    unassignDevicesFromOwnerRoute(ctx),
  ]) {
    defineExtRoute(app, route);
  }
}
