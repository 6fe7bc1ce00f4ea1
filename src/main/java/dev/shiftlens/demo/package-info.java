/**
 * The demo dataset: a seeded generator of contacts, events and sends with planted effects and
 * their ground truth ({@link dev.shiftlens.demo.DemoGenerator}), and the {@code demo} command that
 * loads it through the HTTP API.
 */
package dev.shiftlens.demo;
