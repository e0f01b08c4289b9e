// debounce.js: call fn once the calls stop coming for ms milliseconds.
'use strict';

export function debounce(fn, ms = 250) {
  let timer = null;
  return function debounced(...args) {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn.apply(this, args);
    }, ms);
  };
}

const cache = new Map();
export async function fetchJSON(url, { retries = 3 } = {}) {
  if (cache.has(url)) return cache.get(url);
  for (let i = 0; i <= retries; i++) {
    try {
      const res = await fetch(url, { headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
      const data = await res.json();
      cache.set(url, data);
      return data;
    } catch (err) {
      if (i === retries) throw err;
      await new Promise((r) => setTimeout(r, 2 ** i * 100));
    }
  }
}
