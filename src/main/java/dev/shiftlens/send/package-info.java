/** Message sends: idempotent inserts, reads and listings in PostgreSQL, where they also form the evaluation queue. */
package dev.shiftlens.send;
