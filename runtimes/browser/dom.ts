// Tiny DOM helpers: elements built from a tag, attributes and children.
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === "className") el.className = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** Offers `file` as a download named `fileName`. */
export function download(fileName: string, file: Blob): void {
  const url = URL.createObjectURL(file);
  const a = h("a", { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Rows a long list shows at a time: a page's layout stays small whatever the run (the exports hold every row). */
export const PAGE_ROWS = 50;

/**
 * Shows `items` in `table`, PAGE_ROWS to a page, with Previous and Next in
 * `pager` (hidden when one page holds them all).
 */
export function pagedRows<T>(table: HTMLTableElement, pager: HTMLElement, items: readonly T[], row: (item: T, i: number) => HTMLTableRowElement): void {
  const pages = Math.ceil(items.length / PAGE_ROWS);
  const show = (page: number) => {
    const from = page * PAGE_ROWS;
    const to = Math.min(items.length, from + PAGE_ROWS);
    table.tBodies[0].replaceChildren(...items.slice(from, to).map((item, k) => row(item, from + k)));
    pager.hidden = pages <= 1;
    if (pages <= 1) {
      pager.replaceChildren();
      return;
    }
    const button = (label: string, target: number, enabled: boolean) => {
      const b = h("button", { type: "button", disabled: !enabled, "data-testid": `page-${label.toLowerCase()}` }, label);
      b.addEventListener("click", () => show(target));
      return b;
    };
    pager.replaceChildren(
      button("Previous", page - 1, page > 0),
      h("span", { "data-testid": "page-rows" }, `Rows ${(from + 1).toLocaleString("en-US")}–${to.toLocaleString("en-US")} of ${items.length.toLocaleString("en-US")}`),
      button("Next", page + 1, page < pages - 1),
    );
  };
  show(0);
}
