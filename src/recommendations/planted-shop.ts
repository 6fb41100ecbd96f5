/**
 * A generated shop with planted co-purchase structure, for the offline evaluation (issue 15 §4 (b)):
 * the right answer is known, so a model that learns co-purchases must find it and popularity must not.
 *
 * The catalogue: `bundles` bundles of four products (a drill, its bits, its case, its battery …);
 * each bundle belongs to one of ten categories and each product carries two tags of its category,
 * so content similarity sees the category but not the bundle. Besides, 200 filler products with a
 * long-tailed popularity (the square of a uniform number: low ids are the best-sellers).
 *
 * Each person, over a few days: views three to six filler products (browsing, the popular ones
 * most), then buys the products of one bundle (two to four of its four, each viewed before it is
 * bought) in a random order; a third of the people later buy a second bundle the same way. So the
 * held-out item of leave-last-out is nearly always a bundle product whose bundle mates the person
 * bought before it: item-to-item can find it, popularity (fillers first) cannot.
 * Seeded: the same seed gives the same shop.
 */
import type { Interaction } from '../core/recommendations/co-occurrence.js';
import type { Item } from '../core/recommendations/item.js';
import { seededRandom } from '../core/seeded-random.js';

const DAY = 86_400_000;
const CATEGORIES = 10;
const FILLERS = 200;

export interface PlantedShop {
  items: Item[];
  people: Interaction[][];
}

export function plantedShop(options: { seed: number; people: number; bundles: number; start: number }): PlantedShop {
  const random = seededRandom(options.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const item = (id: string, category: number, tags: string[]): Item => ({
    id, title: `Product ${id}`, type: 'product', categories: [`category-${category}`], tags, price: 10, currency: 'EUR', available: true, properties: {},
  });
  const tagsOf = (category: number) => { const a = Math.floor(random() * 4); return [`tag-${category}-${a}`, `tag-${category}-${(a + 1 + Math.floor(random() * 3)) % 4}`]; };
  const items: Item[] = [];
  const bundles: string[][] = [];
  for (let b = 0; b < options.bundles; b++) {
    const category = b % CATEGORIES;
    const members = [0, 1, 2, 3].map((m) => `bundle-${b}-${m}`);
    for (const id of members) items.push(item(id, category, tagsOf(category)));
    bundles.push(members);
  }
  for (let f = 0; f < FILLERS; f++) items.push(item(`filler-${f}`, f % CATEGORIES, tagsOf(f % CATEGORIES)));
  const filler = () => `filler-${Math.floor(Math.pow(random(), 2) * FILLERS)}`;

  const people: Interaction[][] = [];
  for (let p = 0; p < options.people; p++) {
    let at = options.start + Math.floor(random() * 20 * DAY);
    const tick = () => (at += 60_000 + Math.floor(random() * 3_600_000));
    const interactions: Interaction[] = [];
    const browse = 3 + Math.floor(random() * 4);
    for (let v = 0; v < browse; v++) interactions.push({ itemId: filler(), kind: 'view', at: tick() });
    const buyBundle = (bundle: readonly string[]) => {
      const order = [...bundle].sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 3));
      for (const id of order) {
        interactions.push({ itemId: id, kind: 'view', at: tick() });
        interactions.push({ itemId: id, kind: 'purchase', at: tick() });
        at += Math.floor(random() * DAY);
      }
    };
    buyBundle(pick(bundles));
    if (random() < 1 / 3) buyBundle(pick(bundles));
    people.push(interactions);
  }
  return { items, people };
}
