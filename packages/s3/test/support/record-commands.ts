import type { S3Client } from '@aws-sdk/client-s3';

/** One command the client sent, with what came back. */
export interface SentCommand {
  name: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
}

/**
 * Records every command a real client sends (observation only: requests still go to the
 * server), so tests can check what the adapter asked S3 to do where the local server cannot
 * answer the question itself (s3rver has no ListMultipartUploads).
 */
export function recordCommands(client: S3Client): SentCommand[] {
  const sent: SentCommand[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const entry: SentCommand = {
        name: String(context.commandName),
        input: args.input as Record<string, unknown>,
      };
      sent.push(entry);
      const result = await next(args);
      entry.output = result.output as unknown as Record<string, unknown>;
      return result;
    },
    { step: 'initialize', name: 'exportkitRecordCommands' },
  );
  return sent;
}

/** The HTTP headers of one request a client sent, lower-cased, as signed and sent. */
export interface SentHeaders {
  command: string;
  headers: Record<string, string>;
}

/** Records the headers of every request a real client sends, after the SDK added its own. */
export function recordRequestHeaders(client: S3Client): SentHeaders[] {
  const sent: SentHeaders[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      const headers = Object.fromEntries(
        Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      );
      sent.push({ command: String(context.commandName), headers });
      return next(args);
    },
    // The last step before the request goes out, so it sees the headers SigV4 signed.
    { step: 'deserialize', name: 'exportkitRecordHeaders' },
  );
  return sent;
}
