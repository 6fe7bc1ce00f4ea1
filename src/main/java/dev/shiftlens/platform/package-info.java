/** What every feature stands on: configuration, HTTP routing and errors, API keys, the two stores, migrations, start and stop. */
package dev.shiftlens.platform;
