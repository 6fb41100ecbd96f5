/**
 * What an app needs to host Tessera's routes and their schemas: the validator of query and path
 * parameters (validator.ts), the shared schemas the routes refer to (the error envelope, parts of
 * generated bodies), and serialisation by JSON.stringify.
 *
 * Response schemas document; they do not shape answers. Fastify would otherwise serialise a JSON
 * answer with fast-json-stringify, which silently drops every property a schema does not list:
 * answers are serialised as for a route without a response schema, and the tests check that real
 * answers validate against the document instead.
 */
import type { FastifyInstance } from 'fastify';
import { SHARED_BODY_SCHEMAS } from './bodies.js';
import { ERROR_ENVELOPE } from './route-docs.js';
import { createParameterValidatorCompiler } from './validator.js';

export function registerSchemaSupport(app: FastifyInstance): void {
  app.setValidatorCompiler(createParameterValidatorCompiler());
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addSchema(ERROR_ENVELOPE);
  for (const shared of SHARED_BODY_SCHEMAS) app.addSchema(shared);
}
