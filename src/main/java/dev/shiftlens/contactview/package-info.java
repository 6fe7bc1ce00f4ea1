/**
 * Per-contact views for agents: a contact's baseline as the engine measures sends against it
 * ({@link dev.shiftlens.contactview.BaselineView}), its sends newest first, and its preferences among
 * channels, send slots and label values with a Thompson-sampled recommendation
 * ({@link dev.shiftlens.contactview.PreferenceView}). {@link dev.shiftlens.contactview.ContactViewApi}
 * answers the routes on the event loops; ClickHouse is read on its worker pool.
 */
package dev.shiftlens.contactview;
