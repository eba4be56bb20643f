// POST /api/mcp: the MCP tools over Streamable HTTP, stateless. Every request gets its own server and transport,
// so any process behind a load balancer can answer any request, and nothing outlives the response. The caller is
// the organization of its API key. Every answer of this path, failures included, is JSON-RPC shaped JSON: it is
// what MCP clients read, and this path is outside /api/v1's error format.
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { looksLikeApiKey } from '../../domain/api-keys/format.js';
import { authenticateApiKey, type ApiKeyPrincipal } from '../../domain/api-keys/service.js';
import type { DomainContext } from '../../domain/context.js';
import { logUnhandledError } from '../../http/client-errors.js';
import { bearerToken } from '../v1/auth.js';
import { buildMcpServer } from './server.js';
import type { ToolScope } from './scope.js';

export const MCP_PATH = '/api/mcp';

// JSON-RPC error codes: the standard ones, and -32000/-32001 from the server range as the SDK's examples use them.
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INTERNAL_ERROR = -32603;
const SERVER_ERROR = -32000;
const UNAUTHORIZED = -32001;

const UNAUTHORIZED_MESSAGE = 'Missing, invalid or revoked API key: send Authorization: Bearer tlm_…';

declare module 'fastify' {
  interface FastifyRequest {
    mcpPrincipal?: ApiKeyPrincipal;
  }
}

function sendJsonRpcError(request: FastifyRequest, reply: FastifyReply, status: number, code: number, message: string) {
  return reply
    .code(status)
    .type('application/json')
    .send({ jsonrpc: '2.0', error: { code, message, data: { requestId: request.id } }, id: null });
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header : bearerToken(request);
}

export async function mcpPlugin(app: FastifyInstance, options: { ctx: DomainContext }): Promise<void> {
  const { ctx } = options;

  // Before the body is read: a caller without a valid key learns nothing about what it sent.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return;
    const presented = presentedKey(request);
    const principal = presented && looksLikeApiKey(presented) ? await authenticateApiKey(ctx, presented) : null;
    if (!principal) {
      reply.header('www-authenticate', 'Bearer realm="telemap"');
      return sendJsonRpcError(request, reply, 401, UNAUTHORIZED, UNAUTHORIZED_MESSAGE);
    }
    request.mcpPrincipal = principal;
  });

  app.setErrorHandler(async (error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return sendJsonRpcError(request, reply, 400, PARSE_ERROR, 'Parse error: the body is not valid JSON');
    }
    if (status === 413) return sendJsonRpcError(request, reply, 413, INVALID_REQUEST, 'Request body too large');
    if (status === 415) {
      return sendJsonRpcError(request, reply, 415, SERVER_ERROR, 'Unsupported Media Type: Content-Type must be application/json');
    }
    if (status >= 400 && status < 500) return sendJsonRpcError(request, reply, status, INVALID_REQUEST, error.message);
    logUnhandledError(request, error);
    return sendJsonRpcError(request, reply, 500, INTERNAL_ERROR, 'Internal server error');
  });

  app.post(MCP_PATH, { schema: { hide: true } }, async (request, reply) => {
    const principal = request.mcpPrincipal;
    if (!principal) throw new Error('MCP request reached without authentication');
    const scope: ToolScope = {
      ctx,
      organizationId: principal.organizationId,
      actor: { type: 'api_key', id: principal.keyId, name: null },
      logUnexpected: (error, tool) => request.log.error({ err: error, tool }, 'MCP tool failed'),
    };
    const server = buildMcpServer(scope);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // From here on the SDK writes the response on the Node objects; Fastify's reply is not used again.
    reply.hijack();
    reply.raw.setHeader('x-request-id', request.id);
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (error) {
      request.log.error({ err: error }, 'MCP request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ jsonrpc: '2.0', error: { code: INTERNAL_ERROR, message: 'Internal server error' }, id: null }));
      }
    }
  });

  // Stateless: no session, so no server-sent stream to open (GET) and none to end (DELETE).
  const methodNotAllowed = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('allow', 'POST');
    return sendJsonRpcError(request, reply, 405, SERVER_ERROR, 'Method not allowed.');
  };
  app.get(MCP_PATH, { schema: { hide: true } }, methodNotAllowed);
  app.delete(MCP_PATH, { schema: { hide: true } }, methodNotAllowed);
}
