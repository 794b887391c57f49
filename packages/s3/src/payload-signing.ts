import type { PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';

/** The header SigV4 takes the body's hash from, and its value for a body left unhashed. */
const contentSha256 = 'x-amz-content-sha256';
const unsignedPayload = 'UNSIGNED-PAYLOAD';

/**
 * Lets the SigV4 signature of `command` leave its body out (S3's "unsigned payload" option:
 * the headers are signed, the body is not hashed), when `signPayload` is `false`, or when it
 * is `undefined` and the request goes over HTTPS.
 *
 * Why: the JavaScript SDK hashes every body it signs with SHA-256, a full pass over each
 * byte the worker uploads (~5% of its CPU in the S3 bench's profile), which the other AWS
 * SDKs (botocore, Java v2, Go v2) skip over HTTPS by default. The body is still checked: TLS
 * protects it in transit, S3 checks the CRC32 the SDK sends with it by default, and the
 * manifest's SHA-256 covers every part end to end. Over plain HTTP the hash is the only
 * protection a signature gives the body, so it is kept there unless asked.
 */
export function withPayloadSigning<C extends PutObjectCommand | UploadPartCommand>(
  command: C,
  signPayload: boolean | undefined,
): C {
  if (signPayload === true) return command;
  // The middleware reads neither input nor output, so one command's stack type serves both.
  (command.middlewareStack as PutObjectCommand['middlewareStack']).add(
    (next) => async (args) => {
      const request = args.request as { protocol?: string; headers?: Record<string, string> };
      const unsigned = signPayload === false || request.protocol === 'https:';
      if (unsigned && request.headers && !hasHeader(request.headers, contentSha256)) {
        request.headers[contentSha256] = unsignedPayload;
      }
      return next(args);
    },
    // Before signing (finalizeRequest), after the request and its endpoint exist (serialize).
    { step: 'build', name: 'exportkitPayloadSigning' },
  );
  return command;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((header) => header.toLowerCase() === name);
}
