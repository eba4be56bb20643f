// `telemap mcp --org <id>`: the MCP tools over stdio, for an assistant running on the operator's machine. stdout
// carries the protocol and nothing else; everything meant for people goes to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { buildMcpServer } from '../../api/mcp/server.js';
import { findLiveOrganization } from '../../domain/orgs/repository.js';
import { CliError, requiredOrgId, type Command } from '../command.js';

export const mcpServe: Command = {
  name: 'mcp',
  summary: "Serve the MCP tools over stdio for a local assistant, acting as one organization",
  usage: 'telemap mcp --org <organizationId>',
  options: { org: { type: 'string' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    await io.withContext(async (ctx) => {
      if (!(await findLiveOrganization(ctx.database.db, org))) throw new CliError(`organization not found: ${org}`);
      const server = buildMcpServer({
        ctx,
        organizationId: org,
        actor: { type: 'system', id: null, name: 'telemap mcp' },
        logUnexpected: (error, tool) => console.error(`telemap mcp: ${tool} failed:`, error),
      });
      // The session ends when the client closes our stdin (or the transport closes); then the database is closed.
      const ended = new Promise<void>((resolve) => {
        process.stdin.once('end', resolve);
        process.stdin.once('close', resolve);
        server.server.onclose = resolve;
      });
      await server.connect(new StdioServerTransport());
      console.error(`telemap mcp: serving organization ${org} over stdio`);
      await ended;
      await server.close();
    });
  },
};
