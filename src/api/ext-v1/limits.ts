// Body limits of ext-v1, apart from the plugin so that routes can read them without importing the plugin that
// registers them.

/** Bulk endpoints take up to 10 MiB (1000 devices of metadata); every other ext-v1 body the server's 1 MiB. */
export const EXT_BULK_BODY_LIMIT = 10 * 1024 * 1024;
