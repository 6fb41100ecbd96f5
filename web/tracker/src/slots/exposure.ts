/**
 * Exposure of a slot (issue 14 §2): seen once at least half of it has been in the viewport for one
 * second without a break, while the page is visible (IntersectionObserver; a hidden page defers
 * the count until it is visible again). Browsers without IntersectionObserver report no views.
 */
export function watchView(el: Element, seen: () => void, ms = 1000): () => void {
  if (typeof IntersectionObserver !== 'function') return () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => { clearTimeout(timer); observer.disconnect(); };
  const fire = () => {
    if (document.visibilityState === 'hidden') { timer = setTimeout(fire, ms); return; }
    stop();
    seen();
  };
  const observer = new IntersectionObserver((entries) => {
    const e = entries[entries.length - 1]!;
    if (e.isIntersecting && e.intersectionRatio >= 0.499) timer ??= setTimeout(fire, ms);
    else { clearTimeout(timer); timer = undefined; }
  }, { threshold: 0.5 });
  observer.observe(el);
  return stop;
}
