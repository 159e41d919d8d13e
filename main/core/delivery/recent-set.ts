/**
 * A set that forgets its oldest entries past `limit`: bounded memory for a companion that runs
 * all day (ended calls, event ids already listed).
 */
export class RecentSet {
  readonly #values = new Set<string>();

  constructor(readonly limit: number) {}

  has(value: string): boolean {
    return this.#values.has(value);
  }

  add(value: string): void {
    this.#values.add(value);
    if (this.#values.size > this.limit) {
      const oldest = this.#values.values().next();
      if (!oldest.done) this.#values.delete(oldest.value);
    }
  }
}
