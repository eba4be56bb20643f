import type { Clock } from '../clock.js';
import type { Database } from '../db/connect.js';

/** What every domain service needs: the database and the time. Passed explicitly; there is no global. */
export interface DomainContext {
  readonly database: Database;
  readonly clock: Clock;
}
