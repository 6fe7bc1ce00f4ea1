/**
 * The MCP endpoint {@code /mcp}: the Streamable HTTP transport of the Model Context Protocol, stateless,
 * on the server's own router, with tools and a prompt that read the REST API of the same server with
 * the caller's key, so that an agent's answers are the REST API's answers.
 */
package dev.shiftlens.mcp;
