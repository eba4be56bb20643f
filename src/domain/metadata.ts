// The free-form JSON object that customers, devices and (later) other records carry: stored as JSON text,
// handed to callers parsed.
export type Metadata = Record<string, unknown>;
