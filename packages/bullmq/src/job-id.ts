/**
 * The BullMQ job id for a dedup id. BullMQ refuses custom ids that are integers or hold `:`;
 * exportkit's ids (`{exportId}-{ms}`) pass through unchanged, so `queue.getJob(dedupId)` finds
 * the message. Anything BullMQ would refuse is percent-encoded under a `d-` prefix.
 */
export function jobIdFor(dedupId: string): string {
  const acceptable =
    dedupId !== '' && !dedupId.includes(':') && `${Number.parseInt(dedupId, 10)}` !== dedupId;
  return acceptable ? dedupId : `d-${encodeURIComponent(dedupId)}`;
}
