/**
 * Statement batching, the one place it lives: a query for many keys, shared by every caller that
 * asks on the same transaction in the same tick. The webhook applies the events of different
 * Stripe customers side by side in one transaction; when each handler locks its membership (or
 * records its payment), those requests go to PostgreSQL as one statement for all of them, through
 * DataLoader (the batching loader GraphQL servers use), and each handler still reads as if it ran
 * alone: `lockMembershipParty(tx, ref)`.
 *
 * Nothing is cached: every call is a row of a new statement, on that transaction only.
 */
import DataLoader from "dataloader";
import type { DbOrTx } from "./client";

export function batchedPerTransaction<K, V>(load: (tx: DbOrTx, keys: readonly K[]) => Promise<V[]>): (tx: DbOrTx, key: K) => Promise<V> {
  const loaders = new WeakMap<DbOrTx, DataLoader<K, V>>();
  return (tx, key) => {
    let loader = loaders.get(tx);
    if (!loader) loaders.set(tx, (loader = new DataLoader<K, V>((keys) => load(tx, keys), { cache: false })));
    return loader.load(key);
  };
}
