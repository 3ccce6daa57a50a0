/** Bounds both triggers apply to what DingTalk (or anyone) sends them. */

/** Larger than any robot message or event push: a bigger HTTP body or Stream frame is refused. */
export const MAX_BODY_BYTES = 1024 * 1024;
