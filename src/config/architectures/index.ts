export const ARCHITECTURES = ['webapp', 'eks', 'druid'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Architectures an architecture needs in the same environment. */
export const ARCHITECTURE_NEEDS: Record<Architecture, readonly Architecture[]> = {
  webapp: [],
  eks: [],
  druid: ['eks'],
};
