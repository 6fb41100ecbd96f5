/**
 * The payloads of the benchmark traffic: analytics.js-shaped page, track and identify events of an
 * outdoor shop, pre-serialised as templates whose slots (`@@MID@@`, …) are filled per event.
 */
import type { ByteWriter } from './byte-writer.js';
import type { Random } from './random.js';

export type Slot = 'MID' | 'AID' | 'UID' | 'EMAIL' | 'NAME' | 'TS';
export type SlotValues = Record<Slot, string>;

/**
 * Literal UTF-8 bytes around the slots: parts.length === slots.length + 1. Slot values are ASCII.
 * Bodies are assembled as bytes: titles hold non-ASCII characters (as real pages do), and encoding
 * such a string to UTF-8 per request would cost the generator more than the rest of its work.
 */
export interface Template {
  parts: Buffer[];
  slots: Slot[];
  /** Bytes of the parts. */
  fixedBytes: number;
}

function compile(event: object): Template {
  const pieces = JSON.stringify(event).split(/@@([A-Z]+)@@/);
  const parts: Buffer[] = [];
  const slots: Slot[] = [];
  pieces.forEach((piece, i) => (i % 2 === 0 ? parts.push(Buffer.from(piece, 'utf8')) : slots.push(piece as Slot)));
  return { parts, slots, fixedBytes: parts.reduce((n, p) => n + p.length, 0) };
}

export function render(t: Template, values: SlotValues, out: ByteWriter): void {
  out.ensure(t.fixedBytes + 256);
  out.bytes(t.parts[0]!);
  for (let i = 0; i < t.slots.length; i++) {
    out.ascii(values[t.slots[i]!]);
    out.bytes(t.parts[i + 1]!);
  }
}

export interface Templates {
  identify: Template[];
  /** [anonymous, logged in] */
  page: [Template[], Template[]];
  track: [Template[], Template[]];
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
];
const PAGES: Array<{ path: string; title: string; name: string | null; category: string | null }> = [
  { path: '/', title: 'Acme Outdoor – Gear for every trail', name: 'Home', category: null },
  { path: '/products/trail-runner-2', title: 'Trail Runner 2 – Acme Outdoor', name: 'Product', category: 'Shoes' },
  { path: '/products/alpine-jacket', title: 'Alpine Jacket – Acme Outdoor', name: 'Product', category: 'Jackets' },
  { path: '/products/ultralight-tent-2p', title: 'Ultralight Tent 2P – Acme Outdoor', name: 'Product', category: 'Tents' },
  { path: '/collections/sale', title: 'Sale – Acme Outdoor', name: 'Collection', category: 'Sale' },
  { path: '/collections/new-arrivals', title: 'New arrivals – Acme Outdoor', name: 'Collection', category: null },
  { path: '/blog/how-to-choose-a-sleeping-bag', title: 'How to choose a sleeping bag', name: 'Article', category: 'Blog' },
  { path: '/blog/packing-list-for-a-weekend-hike', title: 'Packing list for a weekend hike', name: 'Article', category: 'Blog' },
  { path: '/cart', title: 'Your cart', name: 'Cart', category: null },
  { path: '/checkout', title: 'Checkout', name: 'Checkout', category: null },
  { path: '/pricing', title: 'Membership – Acme Outdoor', name: 'Pricing', category: null },
  { path: '/account/orders', title: 'Your orders', name: 'Account', category: 'Account' },
];
const REFERRERS = ['', '', '', 'https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://www.facebook.com/', 'https://t.co/', 'https://news.ycombinator.com/', 'https://www.reddit.com/r/Ultralight/'];
const CAMPAIGNS = [
  { name: 'spring_sale_2024', source: 'google', medium: 'cpc', term: 'trail running shoes', content: 'ad_variant_b' },
  { name: 'newsletter_2024_05', source: 'newsletter', medium: 'email', content: 'hero_button' },
  { name: 'summer_launch', source: 'facebook', medium: 'paid_social', content: 'carousel_3' },
  { name: 'partner_blog', source: 'outdoorblog.example', medium: 'referral' },
];
const TRACK_EVENTS: Array<{ event: string; properties: (r: Random) => object }> = [
  { event: 'Product Viewed', properties: (r) => product(r) },
  { event: 'Product Added', properties: (r) => ({ cart_id: r.uuid(), ...product(r), quantity: 1 + r.int(3) }) },
  { event: 'Products Searched', properties: (r) => ({ query: r.pick(['rain jacket', 'tent 2 person', 'trail shoes women', 'headlamp', 'merino socks']) }) },
  { event: 'Checkout Started', properties: (r) => ({ order_id: `ord_${r.int(1e9)}`, value: 129.9, revenue: 119.9, shipping: 4.95, tax: 20.13, currency: 'EUR', products: [product(r), product(r)] }) },
  { event: 'Order Completed', properties: (r) => ({ checkout_id: r.uuid(), order_id: `ord_${r.int(1e9)}`, affiliation: 'Online Store', total: 134.85, subtotal: 119.9, revenue: 119.9, shipping: 4.95, tax: 20.13, discount: 10, coupon: 'SPRING10', currency: 'EUR', products: [product(r), product(r)] }) },
  { event: 'Button Clicked', properties: (r) => ({ label: r.pick(['Add to wishlist', 'Size guide', 'Subscribe', 'Chat with us']), location: r.pick(['header', 'product_page', 'footer']) }) },
  { event: 'Video Playback Started', properties: (r) => ({ session_id: r.uuid(), content_asset_id: `vid_${r.int(500)}`, position: 0, total_length: 184, sound: 80, full_screen: false, quality: 'hd720' }) },
  { event: 'Page Left', properties: (r) => ({ visibleMs: 2000 + r.int(120_000) }) },
  { event: 'Form Submitted', properties: (r) => ({ form_id: r.pick(['newsletter', 'contact', 'back_in_stock']), fields: 2 + r.int(4) }) },
];

function product(r: Random): object {
  const id = r.int(5000);
  return {
    product_id: `prod_${id}`, sku: `AC-${id}-${r.pick(['S', 'M', 'L', 'XL'])}`, category: r.pick(['Shoes', 'Jackets', 'Tents', 'Accessories']),
    name: r.pick(['Trail Runner 2', 'Alpine Jacket', 'Ultralight Tent 2P', 'Merino Socks', 'Headlamp 400']), brand: 'Acme',
    variant: r.pick(['Black', 'Forest Green', 'Slate']), price: Math.round(r.next() * 30000) / 100, currency: 'EUR', position: 1 + r.int(24),
    url: `https://shop.acme-outdoor.example/products/${id}`, image_url: `https://cdn.acme-outdoor.example/img/${id}.jpg`,
  };
}

function pageContext(r: Random, page: (typeof PAGES)[number]) {
  const campaign = r.next() < 0.15 ? r.pick(CAMPAIGNS) : undefined;
  const search = campaign ? `?utm_source=${encodeURIComponent(campaign.source)}&utm_medium=${campaign.medium}&utm_campaign=${campaign.name}` : r.next() < 0.1 ? '?ref=nav' : '';
  return {
    page: { path: page.path, referrer: r.pick(REFERRERS), search, title: page.title, url: `https://shop.acme-outdoor.example${page.path}${search}` },
    ...(campaign ? { campaign } : {}),
  };
}

function context(r: Random, page: (typeof PAGES)[number]): object {
  const { page: pageFields, campaign } = pageContext(r, page);
  return {
    library: { name: 'analytics.js', version: r.pick(['next-1.70.0', 'next-1.72.0', 'npm:next-1.72.1']) },
    page: pageFields,
    userAgent: r.pick(USER_AGENTS),
    locale: r.pick(['en-US', 'en-GB', 'de-DE', 'fr-FR', 'nl-NL']),
    timezone: r.pick(['Europe/Berlin', 'Europe/London', 'America/New_York', 'Europe/Amsterdam']),
    ...(campaign ? { campaign } : {}),
  };
}

export function buildTemplates(r: Random): Templates {
  const ids = (loggedIn: boolean) => ({ messageId: '@@MID@@', anonymousId: '@@AID@@', ...(loggedIn ? { userId: '@@UID@@' } : {}) });
  const times = { timestamp: '@@TS@@', sentAt: '@@TS@@' };
  const pageEvent = (loggedIn: boolean) => {
    const page = r.pick(PAGES);
    const ctx = context(r, page) as { page: object };
    return compile({ type: 'page', ...ids(loggedIn), name: page.name, ...(page.category ? { category: page.category } : {}), properties: { ...ctx.page, ...(page.category ? { category: page.category } : {}) }, context: ctx, integrations: {}, ...times });
  };
  const trackEvent = (loggedIn: boolean) => {
    const spec = r.pick(TRACK_EVENTS);
    return compile({ type: 'track', ...ids(loggedIn), event: spec.event, properties: spec.properties(r), context: context(r, r.pick(PAGES)), integrations: {}, ...times });
  };
  const identifyEvent = () => compile({
    type: 'identify', ...ids(true),
    traits: { email: '@@EMAIL@@', name: '@@NAME@@', plan: r.pick(['free', 'member', 'member_plus']), newsletter: r.next() < 0.5, company: { name: r.pick(['Acme', 'Globex', 'Initech', 'Umbrella']), industry: 'Retail' }, createdAt: '2023-11-02T10:14:00.000Z' },
    context: context(r, r.pick(PAGES)), integrations: {}, ...times,
  });
  const many = (n: number, make: () => Template) => Array.from({ length: n }, make);
  return {
    identify: many(200, identifyEvent),
    page: [many(400, () => pageEvent(false)), many(400, () => pageEvent(true))],
    track: [many(400, () => trackEvent(false)), many(400, () => trackEvent(true))],
  };
}
