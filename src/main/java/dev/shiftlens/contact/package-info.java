/** Contacts: upserts with property merges, serialised per contact, and reads, in PostgreSQL. */
package dev.shiftlens.contact;
