/**
 * The API's own documentation: the OpenAPI document at {@code GET /openapi.yaml} and Swagger UI at
 * {@code GET /docs}, both served from the jar, so that reading them needs no key and no internet.
 */
package dev.shiftlens.apidocs;
