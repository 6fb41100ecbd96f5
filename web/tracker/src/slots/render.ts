/**
 * Puts a decided variant into its slot element. Bodies in `html` format are written by the
 * workspace's admins (trusted, as the site's own HTML is); `text` bodies and titles are text,
 * never markup. Image and link addresses are used only when they are http(s), which the slot API
 * already requires.
 *
 * A variant with only a body replaces the slot's content with it; one with a title, image or
 * link gets a small structure the site can style: `.tsr-slot-image`, `.tsr-slot-title` (inside
 * `a.tsr-slot-link` when there is a link), `.tsr-slot-body`, and a "Learn more" link when there is
 * a link but no title.
 */
import type { Variant } from './decision.js';
import type { SlotTexts } from './texts.js';

export function make<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

const web = (url: string | undefined): url is string => !!url && /^https?:\/\//i.test(url);

export function renderVariant(slot: HTMLElement, v: Variant, t: SlotTexts): void {
  const fill = (into: HTMLElement) => {
    if (v.format === 'html') into.innerHTML = v.body;
    else into.textContent = v.body;
  };
  const image = web(v.imageUrl) ? v.imageUrl : null;
  const href = web(v.linkUrl) ? v.linkUrl : null;
  if (!v.title && !image && !href) { fill(slot); return; }
  slot.textContent = '';
  const link = (content: Node | string) => {
    const a = make('a', 'tsr-slot-link');
    a.href = href!;
    a.append(content);
    return a;
  };
  if (image) {
    const img = make('img', 'tsr-slot-image');
    img.src = image;
    img.alt = '';
    slot.append(img);
  }
  if (v.title) {
    const title = make('strong', 'tsr-slot-title', v.title);
    slot.append(href ? link(title) : title);
  }
  if (v.body) {
    const body = make('div', 'tsr-slot-body');
    fill(body);
    slot.append(body);
  }
  if (href && !v.title) slot.append(link(t.link));
}
