package dev.shiftlens.send;

import io.vertx.core.json.JsonObject;

/** A valid message send as ingested; {@code windowHours} is already resolved from configuration when absent. */
public record NewSend(
    String sendId,
    String contactId,
    String messageId,
    String channel,
    long sentAtMillis,
    JsonObject labels,
    boolean holdout,
    double windowHours) {}
