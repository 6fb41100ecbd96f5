/** Limits on what one request may carry; the same as Segment's so that its clients behave. */
export const EVENT_LIMITS = {
  /** Bytes of one event serialised as JSON. */
  maxEventBytes: 32 * 1024,
  /** Bytes of one request body after decompression. */
  maxBodyBytes: 500 * 1024,
  maxBatchItems: 2500,
  /** Nesting depth of any object inside an event. */
  maxDepth: 24,
  /** Length of an id (userId, anonymousId, messageId, …). */
  maxIdLength: 512,
  /** Length of an event or page name. */
  maxNameLength: 512,
} as const;
