import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { registerGetCustomer } from './get.js';
import { registerListCustomers } from './list.js';

export function registerCustomerRoutes(app: FastifyInstance, ctx: DomainContext): void {
  registerListCustomers(app, ctx);
  registerGetCustomer(app, ctx);
}
