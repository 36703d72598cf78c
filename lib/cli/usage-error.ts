/** A problem with how pgfleet was called (paths, options): printed as a message, exit code 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
