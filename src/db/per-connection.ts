// One store per mongoose connection. A store registers its model on the connection and may keep state (a
// claim queue, a cache), so every caller with the same connection must get the same instance; a WeakMap lets
// the store go with its connection (tests open and close many).
import type { Connection } from 'mongoose';

export function perConnection<Store>(create: (connection: Connection) => Store): (connection: Connection) => Store {
  const stores = new WeakMap<Connection, Store>();
  return (connection) => {
    let store = stores.get(connection);
    if (store === undefined) stores.set(connection, (store = create(connection)));
    return store;
  };
}
