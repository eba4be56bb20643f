// Tool results: readable text for the model and the same data as structuredContent for programs. Failures are
// MCP tool errors (`isError: true`) carrying one clear sentence, never a stack or database text.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DomainError } from '../../domain/errors.js';
import type { ToolScope } from './scope.js';

/** A failure the caller can act on; its message is shown to the client as is. */
export class ToolFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolFailure';
  }
}

export function toolResult(summary: string, structured: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: `${summary}\n\n${JSON.stringify(structured)}` }],
    structuredContent: structured,
  };
}

export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

function messageFor(error: DomainError): string | undefined {
  const problem = error.problem;
  switch (problem.code) {
    case 'customer_not_found':
      return 'Customer not found';
    case 'device_not_found':
      return 'Device not found';
    case 'ticket_not_found':
      return 'Ticket not found';
    case 'alert_not_found':
      return 'Alert not found';
    case 'invalid_input':
      return `${problem.field} ${problem.reason}`;
    default:
      return undefined;
  }
}

/** Runs a tool's work, turning every failure into a tool error; unexpected ones are logged, not shown. */
export async function runTool(scope: ToolScope, tool: string, work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ToolFailure) return toolError(error.message);
    if (error instanceof DomainError) {
      const message = messageFor(error);
      if (message) return toolError(message);
    }
    scope.logUnexpected(error, tool);
    return toolError(`${tool} failed because of an internal error; the server has logged it`);
  }
}
