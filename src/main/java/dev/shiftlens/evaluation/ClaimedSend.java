package dev.shiftlens.evaluation;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A send claimed for evaluation, as read from PostgreSQL. */
record ClaimedSend(String sendId, String contactId, String messageId, String channel, JsonObject labels,
    boolean holdout, Instant sentAt, double windowHours, Instant windowEnd) {

  SendEvaluator.Send toSend() {
    return new SendEvaluator.Send(sendId, contactId, sentAt.toEpochMilli(), windowEnd.toEpochMilli(), holdout);
  }
}
