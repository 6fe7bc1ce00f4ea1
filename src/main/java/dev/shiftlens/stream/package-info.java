/**
 * The live stream of behavior changes, {@code GET /v1/stream/shifts}: evaluated sends with a verdict
 * other than none, pushed to clients as server-sent events as the evaluation publishes them, with
 * heartbeats, bounded write queues for slow clients, and resumption from PostgreSQL.
 */
package dev.shiftlens.stream;
