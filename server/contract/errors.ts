// Errors both sides of the contract name: the API answers 404 and a wall gets `error`
// (reason unknown_region) for a code outside the configured area.
export class UnknownRegionError extends Error {
  constructor(readonly region: string) {
    super(`unknown region "${region}": not a code of the configured area`);
    this.name = 'UnknownRegionError';
  }
}
