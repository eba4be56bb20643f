// Read models for the dashboard and the /api/v1 list endpoints, one module per concept; this module gathers them
// for the callers that import from it. Every query filters on organization_id first; a record of another
// organization is simply not found.
export type { Metadata } from '../metadata.js';
export { searchText, type ListOptions } from './list.js';
export * from './customers.js';
export * from './devices.js';
export * from './assignments.js';
export * from './tickets.js';
