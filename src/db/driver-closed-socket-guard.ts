// A guard around one step of the MongoDB Node driver (6.x, at least up to 6.22): a command whose socket is
// closed while the driver prepares its bytes waits forever. `Connection.writeCommand` awaits the serialisation,
// then writes; a write on a destroyed Node socket returns false without an 'error' event, the driver waits for a
// 'drain' that never comes, and no socket timeout fires on a destroyed socket. The connection's close handler
// cannot end the wait either: it only interrupts a read that has begun.
//
// Where it bites: the server's monitor. A database restart closes every socket at once; the first closed pool
// connection makes the monitor check at once on its own connection, which is closing in the same moment. That
// heartbeat never ends, the monitor never checks again, and the process sees the database as unreachable until
// it is restarted (the chaos test's FerretDB restarts: every query of one process failed server selection for
// minutes; reproduced in test/integration/database-restart-recovery.test.ts). Pool connections hit by the same
// race would hang their operation and never return to the pool.
//
// The guard makes the write step fail with the driver's own network error when the socket closes before the
// write is done, exactly what the driver does when the close comes during the read: the monitor marks the
// server unknown and checks again, an operation fails as retryable. Installed once per process, before any
// connection is made.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { MongoNetworkError } from 'mongodb';

interface DriverConnection {
  socket: Socket;
  id: number | '<monitor>';
  address: string;
  writeCommand(command: unknown, options: unknown): Promise<void>;
}

const GUARDED = Symbol.for('upgates-addon.driver-closed-socket-guard');

export function guardDriverWritesOnClosedSockets(): void {
  const require = createRequire(import.meta.url);
  // The driver publishes no entry point for its connection class; its package has no "exports" map, so the
  // file is reachable. A driver that moved it fails here at start, not silently.
  const { Connection } = require('mongodb/lib/cmap/connection.js') as { Connection: { prototype: DriverConnection } };
  const prototype = Connection.prototype as DriverConnection & { [GUARDED]?: true };
  if (prototype[GUARDED]) return;
  if (typeof prototype.writeCommand !== 'function')
    throw new Error('mongodb driver: Connection.writeCommand not found; review src/db/driver-closed-socket-guard.ts');
  const writeCommand = prototype.writeCommand;
  prototype.writeCommand = function guardedWriteCommand(this: DriverConnection, command: unknown, options: unknown) {
    const socket = this.socket;
    const closed = () => new MongoNetworkError(`connection ${this.id} to ${this.address} closed`);
    if (socket.destroyed) return Promise.reject(closed());
    return new Promise<void>((resolve, reject) => {
      const onClose = () => reject(closed());
      socket.once('close', onClose);
      writeCommand
        .call(this, command, options)
        .then(resolve, reject)
        .finally(() => socket.off('close', onClose));
    });
  };
  prototype[GUARDED] = true;
}
