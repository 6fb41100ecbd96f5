/**
 * The base of the URLs Tessera puts in emails: the configured public URL (TESSERA_PUBLIC_URL), else
 * the request's own protocol and Host (fine on a laptop; behind a proxy, configure the URL).
 */
import type { FastifyRequest } from 'fastify';

export function publicBase(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/$/, '');
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}
