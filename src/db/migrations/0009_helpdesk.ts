// The help desk: who wrote each message and whether it is an internal note, an assignee per ticket, a timeline of
// the changes made to a ticket, dashboard users that can be disabled, single-use links to set a password (invites
// and resets, stored as hashes), and the organization's support address (Reply-To of replies to customers).
import { sql, type Kysely } from 'kysely';
import type { DialectSpec } from '../dialect.js';

export async function up(db: Kysely<unknown>, dialect: DialectSpec): Promise<void> {
  const ts = sql.raw(dialect.timestampType);

  // 'message' (seen by the customer) or 'note' (internal, never sent, never in webhook or ext-v1 payloads).
  await db.schema.alterTable('ticket_messages').addColumn('kind', 'text', (c) => c.notNull().defaultTo('message')).execute();
  // Who wrote it: 'user' (a signed-in person), 'api_key', 'integration' (a /v2 token), 'customer', 'bot', 'system'.
  // Rows written before this migration have none; they are presented from their role (see dashboard/queries.ts).
  await db.schema.alterTable('ticket_messages').addColumn('author_type', 'text').execute();
  await db.schema.alterTable('ticket_messages').addColumn('author_id', 'text').execute();
  // The author's name as it was when writing (a user's e-mail, a key's name), so that history survives renames.
  await db.schema.alterTable('ticket_messages').addColumn('author_name', 'text').execute();

  await db.schema
    .alterTable('tickets')
    .addColumn('assignee_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('tickets_organization_assignee_created')
    .on('tickets')
    .columns(['organization_id', 'assignee_user_id', 'created_at'])
    .execute();

  // Changes to a ticket other than messages. `message_position` is the position the next message would have had at
  // the time (messages are 0, 1, 2 ...), so the timeline interleaves changes and messages exactly, whatever the
  // clock says; `seq` orders the changes among themselves. Both are written under the ticket's lock.
  await db.schema
    .createTable('ticket_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('message_position', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('ticket_events_ticket_seq', ['ticket_id', 'seq'])
    .execute();

  await db.schema.alterTable('users').addColumn('disabled_at', ts).execute();

  await db.schema
    .createTable('user_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    // 'invite' or 'reset'
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('used_at', ts)
    .execute();
  await db.schema.createIndex('user_tokens_user').on('user_tokens').column('user_id').execute();

  // Settings of an organization that only the help desk reads; a table of its own keeps the organizations row as the
  // provisioning APIs know it.
  await db.schema
    .createTable('organization_settings')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('support_email', 'text')
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  // The per-account window of failed sign-ins, shared by every server process (domain/sessions/account-failures.ts).
  // Keyed by the normalized e-mail, unique across the installation; unknown addresses are counted too, so that the
  // answer does not tell whether an account exists.
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('email', 'text', (c) => c.notNull())
    // Counted per (account, client address), as before: a stranger failing from elsewhere cannot lock a person out.
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('sign_in_failures_pk', ['email', 'address'])
    .execute();
  await db.schema.createIndex('sign_in_failures_window_started').on('sign_in_failures').column('window_started_at').execute();
}
