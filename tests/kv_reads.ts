/**
 * A test's view of what a service reads: the real KV behind a proxy that counts keys read
 * (one by one or in batches) and entries listed. For tests that prove a read stays bounded
 * (it does not grow with a class's submissions, posts, ...).
 * @module
 */

/**
 * The real KV, counting what is read through it: keys got one by one or in batches, and
 * entries listed.
 */
export function countingKv(kv: Deno.Kv) {
  const reads = { keys: 0, listed: 0 };
  const counted = new Proxy(kv, {
    get(target, prop) {
      if (prop === "get") reads.keys++;
      if (prop === "getMany") {
        return (keys: Deno.KvKey[], opts?: { consistency?: Deno.KvConsistencyLevel }) => {
          reads.keys += keys.length;
          return target.getMany(keys, opts);
        };
      }
      if (prop === "list") {
        return (selector: Deno.KvListSelector, opts?: Deno.KvListOptions) => {
          const iter = target.list(selector, opts);
          const wrapped: Deno.KvListIterator<unknown> = new Proxy(iter, {
            get(it, p) {
              if (p === "next") {
                return async () => {
                  const r = await it.next();
                  if (!r.done) reads.listed++;
                  return r;
                };
              }
              if (p === Symbol.asyncIterator) return () => wrapped;
              const v = Reflect.get(it, p);
              return typeof v === "function" ? v.bind(it) : v;
            },
          });
          return wrapped;
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { kv: counted, reads };
}
