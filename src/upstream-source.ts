/** Where a set of facts was read. */
export interface UpstreamSource {
  /** GitHub `owner/name`. */
  readonly repository: string;
  readonly tag: string;
  /** Commit the tag pointed to when the facts were read. */
  readonly commit: string;
}
