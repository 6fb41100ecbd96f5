/** One version of a store's schema (storage/{sqlite,postgres}/migrations.ts list them in order). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
