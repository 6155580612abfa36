// The types of coverage-map.mjs, which stays plain JavaScript because tap imports it as it is.
export function mirroredSource(testFile: string): string | null
export function runsBuiltProduct(testFile: string): boolean
export default function coverageMap(testFile: string): string | string[]
