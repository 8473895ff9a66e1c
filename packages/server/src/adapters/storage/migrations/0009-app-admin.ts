/**
 * App administration (issues 13/14): apps grouped in projects with a development and a production
 * key, disabled apps, secret rotation with a grace period, per-app callback URLs. Every column is
 * nullable or defaulted, so the apps of earlier versions migrate as enabled production keys that are
 * their own project (`project_id` null = the app key).
 */
import type { Kysely, Migration } from 'kysely';

export const appAdmin: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const add = (column: string, type: 'text' | 'bigint' | 'integer') => db.schema.alterTable('apps').addColumn(column, type);
    await add('project_id', 'text').execute();
    await db.schema
      .alterTable('apps')
      .addColumn('environment', 'text', (c) => c.notNull().defaultTo('production'))
      .execute();
    await db.schema
      .alterTable('apps')
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await add('previous_secret', 'text').execute();
    await add('previous_secret_until', 'bigint').execute();
    await add('webhook_url', 'text').execute();
    await add('rtc_callback_url', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const column of [
      'rtc_callback_url',
      'webhook_url',
      'previous_secret_until',
      'previous_secret',
      'disabled',
      'environment',
      'project_id',
    ]) {
      await db.schema.alterTable('apps').dropColumn(column).execute();
    }
  },
};
