/**
 * Event types: the category and reward of each event name, which decide how an event counts in the
 * all-events effect {@code "*"} of an evaluated send. {@link dev.shiftlens.eventtype.EventTypes} is an
 * immutable snapshot for the evaluation; {@link dev.shiftlens.eventtype.EventTypeRepository} keeps them
 * in PostgreSQL; {@code EventTypeApi} serves {@code PUT /v1/event-types/{event_name}} and
 * {@code GET /v1/event-types}.
 */
package dev.shiftlens.eventtype;
