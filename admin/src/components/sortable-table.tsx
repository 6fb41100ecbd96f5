/**
 * A table of rows the screen already holds (client-side data), sortable by any column whose
 * header is a button: the first click sorts by that column (numbers descending, text ascending),
 * the next reverses it. The sorted column's header carries `aria-sort`, and a polite status line
 * says how the table is sorted now. Rows can be activated (`onActivate`): the first cell then
 * holds a button, so a row works by keyboard as well as by mouse (a click anywhere on the row).
 *
 * Tables paged on the server are not for this component: sorting a page would mislead.
 */
import { useMemo, useState } from 'preact/hooks';
import { useI18n } from '../i18n.js';
import { sortRows, type Column, type SortState } from '../sort-rows.js';

export type { Column, SortState };

export function SortableTable<T>(props: {
  caption: string;
  /** Shown visually too (false: for screen readers only). */
  showCaption?: boolean;
  columns: ReadonlyArray<Column<T>>;
  rows: readonly T[];
  rowKey(row: T): string;
  /** The sort before any click (null: the API's order). */
  initialSort?: SortState | null;
  /** Makes each row a control: the first cell holds a button with this label. */
  onActivate?: (row: T) => void;
  activateLabel?: (row: T) => string;
  /** Marks a row (e.g. the active filter) with aria-current. */
  isCurrent?: (row: T) => boolean;
  class?: string;
}) {
  const { t, lang } = useI18n();
  const [sort, setSort] = useState<SortState | null>(props.initialSort ?? null);
  const rows = useMemo(() => sortRows(props.rows, props.columns, sort, lang), [props.rows, props.columns, sort, lang]);
  const sortBy = (c: Column<T>) => setSort((s) => s?.column === c.id
    ? { column: c.id, direction: s.direction === 'ascending' ? 'descending' : 'ascending' }
    : { column: c.id, direction: c.numeric ? 'descending' : 'ascending' });
  const sortedColumn = sort ? props.columns.find((c) => c.id === sort.column) : undefined;
  return (
    <div class="table-scroll">
      <table class={`data sortable${props.onActivate ? ' activatable' : ''}${props.class ? ` ${props.class}` : ''}`}>
        <caption class={props.showCaption ? undefined : 'visually-hidden'}>{props.caption}</caption>
        <thead>
          <tr>{props.columns.map((c) => {
            const ariaSort = sort?.column === c.id ? sort.direction : c.sortValue ? 'none' : undefined;
            return (
              <th key={c.id} scope="col" class={c.numeric ? 'num' : undefined} aria-sort={ariaSort}>
                {c.sortValue ? (
                  <button type="button" class="sort" onClick={() => sortBy(c)}>
                    {c.label}<span class="sort-mark" aria-hidden="true">{sort?.column === c.id ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ' ↕'}</span>
                  </button>
                ) : c.label}
              </th>
            );
          })}</tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const current = props.isCurrent?.(row) ?? false;
            return (
              <tr key={props.rowKey(row)} class={current ? 'current' : undefined} aria-current={current ? 'true' : undefined}
                onClick={props.onActivate ? (e) => { if (!(e.target as HTMLElement).closest('button, a')) props.onActivate!(row); } : undefined}>
                {props.columns.map((c, i) => i === 0 ? (
                  <th key={c.id} scope="row" class={c.numeric ? 'num' : undefined}>
                    {props.onActivate
                      ? <button type="button" class="row-button" aria-label={props.activateLabel?.(row)} onClick={() => props.onActivate!(row)}>{c.render(row)}</button>
                      : c.render(row)}
                  </th>
                ) : <td key={c.id} class={c.numeric ? 'num' : undefined}>{c.render(row)}</td>)}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="visually-hidden" role="status">{sortedColumn && sort ? t('table.sortedBy', { column: sortedColumn.label, direction: t(`table.${sort.direction}`) }) : ''}</p>
    </div>
  );
}
