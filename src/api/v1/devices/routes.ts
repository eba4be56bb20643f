import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { registerDeviceAssignments } from './assignments.js';
import { registerGetDevice } from './get.js';
import { registerListDevices } from './list.js';
import { registerDeviceTelemetry } from './telemetry.js';
import { registerDeviceToken } from './token.js';

export function registerDeviceRoutes(app: FastifyInstance, ctx: DomainContext): void {
  registerListDevices(app, ctx);
  registerGetDevice(app, ctx);
  registerDeviceAssignments(app, ctx);
  registerDeviceToken(app, ctx);
  registerDeviceTelemetry(app, ctx);
}
