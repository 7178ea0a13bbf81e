/** A store that cannot be opened or used as it is; the message says what to do. */
export class StoreError extends Error {
  override name = 'StoreError';
}
