/**
 * Replaces the folder `target` with the folder `staged` by renames only. `completeMarker` is a file every complete
 * build holds: when a concurrent rebuild put its build in place first, that build is kept.
 */
export declare function swapInto(staged: string, target: string, completeMarker: string): void;
