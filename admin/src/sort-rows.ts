/**
 * Sorting the rows of a client-side table (pure; the SortableTable component draws it): by one
 * column's sort value, numbers as numbers and text by the language's collation (digits in text
 * as numbers: "page 2" before "page 10"), nulls last in both directions, stable for equal values.
 */
import type { ComponentChildren } from 'preact';

type Lang = 'en' | 'de';

export interface Column<T> {
  id: string;
  label: string;
  /** The cell's content. */
  render(row: T): ComponentChildren;
  /** What the column sorts by; absent: not sortable. Null sorts last. */
  sortValue?(row: T): string | number | null;
  /** Right-aligned figures (and descending on the first click). */
  numeric?: boolean;
}

export interface SortState { column: string; direction: 'ascending' | 'descending' }

export function sortRows<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>, sort: SortState | null, lang: Lang): T[] {
  const column = sort ? columns.find((c) => c.id === sort.column) : undefined;
  if (!sort || !column?.sortValue) return [...rows];
  const collator = new Intl.Collator(lang, { numeric: true, sensitivity: 'base' });
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const value = column.sortValue;
  // Stable: equal values keep the order the API gave.
  return rows.map((row, i) => ({ row, i, v: value(row) })).sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
    const d = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : collator.compare(String(a.v), String(b.v));
    return d !== 0 ? d * sign : a.i - b.i;
  }).map((x) => x.row);
}

